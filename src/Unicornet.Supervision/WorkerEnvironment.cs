using System.Globalization;

namespace Unicornet.Supervision;

/// <summary>
/// The environment variables a master hands to a worker process, written by <see cref="Write"/> and read
/// back by <see cref="Read"/>. Everything else the worker needs is in the config snapshot file
/// <see cref="Config"/> points to.
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

    /// <summary>How many workers the master kept when it started this one (TTIN and TTOU move it from the config).</summary>
    public const string WorkerCount = "UNICORNET_WORKER_COUNT";

    /// <summary>Set to 1 for a child that only loads the app and exits (preload_app validation).</summary>
    public const string CheckApp = "UNICORNET_CHECK_APP";

    /// <summary>Exit status of a worker that could not boot (gunicorn's WORKER_BOOT_ERROR).</summary>
    public const int BootErrorExitCode = 3;

    /// <summary>Exit status of a worker that could not load the app (gunicorn's APP_LOAD_ERROR).</summary>
    public const int AppLoadErrorExitCode = 4;

    /// <summary>Master side: puts <paramref name="start"/> into a child's environment.</summary>
    public static void Write(IDictionary<string, string?> environment, WorkerStart start)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(start);
        environment[Config] = start.ConfigPath;
        environment[Fds] = start.Fds;
        environment[Age] = start.Age.ToString(CultureInfo.InvariantCulture);
        environment[Heartbeat] = start.HeartbeatPath;
        environment[MasterPid] = start.MasterPid.ToString(CultureInfo.InvariantCulture);
        if (start.Workers > 0)
        {
            environment[WorkerCount] = start.Workers.ToString(CultureInfo.InvariantCulture);
        }
        else
        {
            // Unknown: a count the master itself inherited would misinform the worker.
            environment.Remove(WorkerCount);
        }

        if (start.CheckApp is not null)
        {
            environment[CheckApp] = start.CheckApp;
        }
    }

    /// <summary>
    /// Worker side: reads what <see cref="Write"/> put there through <paramref name="variable"/>; null when
    /// <see cref="Config"/> is unset (the process was not started by a master). A missing or malformed age reads
    /// as 0, a missing master pid as <paramref name="parentPid"/>, and a missing or malformed worker count as 0 (unknown).
    /// </summary>
    public static WorkerStart? Read(Func<string, string?> variable, int parentPid)
    {
        ArgumentNullException.ThrowIfNull(variable);
        if (variable(Config) is not { } config)
        {
            return null;
        }

        return new WorkerStart(
            config,
            variable(Fds) ?? "",
            int.TryParse(variable(Age), NumberStyles.None, CultureInfo.InvariantCulture, out int age) ? age : 0,
            variable(Heartbeat),
            int.TryParse(variable(MasterPid), NumberStyles.None, CultureInfo.InvariantCulture, out int master) ? master : parentPid,
            variable(CheckApp),
            int.TryParse(variable(WorkerCount), NumberStyles.None, CultureInfo.InvariantCulture, out int workers) ? workers : 0);
    }
}
