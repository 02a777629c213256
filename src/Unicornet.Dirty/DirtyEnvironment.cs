namespace Unicornet.Dirty;

/// <summary>The environment variables that connect the dirty processes with each other and with HTTP workers.</summary>
public static class DirtyEnvironment
{
    /// <summary>The dirty arbiter's client socket; the master exports it to HTTP workers, and <see cref="Client.DirtyClient.FromEnvironment"/> reads it.</summary>
    public const string Socket = "UNICORNET_DIRTY_SOCKET";

    /// <summary>The JSON config snapshot (the same file format HTTP workers read).</summary>
    public const string Config = "UNICORNET_CONFIG";

    /// <summary>The dirty arbiter's pid file.</summary>
    public const string PidFile = "UNICORNET_DIRTY_PIDFILE";

    /// <summary>The socket dirty workers connect to (arbiter to worker only).</summary>
    internal const string WorkerSocket = "UNICORNET_DIRTY_WORKER_SOCKET";

    /// <summary>The dirty worker's age (spawn counter).</summary>
    internal const string Age = "UNICORNET_DIRTY_AGE";

    /// <summary>The app entries a dirty worker loads, newline separated.</summary>
    internal const string Apps = "UNICORNET_DIRTY_APPS";
}
