namespace Unicornet.Workers;

/// <summary>
/// The environment variables a master hands to a worker process. Everything else the worker needs
/// is in the config snapshot file <see cref="Config"/> points to.
/// </summary>
public static class WorkerEnvironment
{
    /// <summary>Path of the JSON config snapshot.</summary>
    public const string Config = "UNICORNET_CONFIG";

    /// <summary>Comma-separated listener fds, inherited from the master.</summary>
    public const string Fds = "UNICORNET_FDS";

    /// <summary>The worker's age (spawn counter).</summary>
    public const string Age = "UNICORNET_WORKER_AGE";

    /// <summary>The worker's heartbeat file (a small shared memory mapping).</summary>
    public const string Heartbeat = "UNICORNET_HEARTBEAT";

    /// <summary>The master's pid.</summary>
    public const string MasterPid = "UNICORNET_MASTER_PID";

    /// <summary>Set to 1 for a child that only loads the app and exits (preload_app validation).</summary>
    public const string CheckApp = "UNICORNET_CHECK_APP";

    /// <summary>Exit status of a worker that could not boot (gunicorn's WORKER_BOOT_ERROR).</summary>
    public const int BootErrorExitCode = 3;

    /// <summary>Exit status of a worker that could not load the app (gunicorn's APP_LOAD_ERROR).</summary>
    public const int AppLoadErrorExitCode = 4;
}
