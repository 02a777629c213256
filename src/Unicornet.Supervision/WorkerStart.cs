namespace Unicornet.Supervision;

/// <summary>What a master tells a worker it starts (see <see cref="WorkerEnvironment"/>).</summary>
/// <param name="ConfigPath">The config snapshot file.</param>
/// <param name="Fds">Comma-separated inherited listener fds; empty for none.</param>
/// <param name="Age">The worker's spawn counter.</param>
/// <param name="HeartbeatPath">The heartbeat slot file; null makes a worker started by hand create its own.</param>
/// <param name="MasterPid">The master's pid.</param>
/// <param name="CheckApp">"1" for a child that only loads the app and exits; null otherwise.</param>
/// <param name="Workers">
/// How many workers the master kept when it started this one: the configured count moved by TTIN and TTOU since. 0
/// when unknown (a worker started by hand); the worker then goes by the configured count.
/// </param>
public sealed record WorkerStart(string ConfigPath, string Fds, int Age, string? HeartbeatPath, int MasterPid, string? CheckApp = null, int Workers = 0)
{
    /// <summary>True for a child that only loads the app and exits (preload_app validation).</summary>
    public bool OnlyCheckApp => CheckApp == "1";
}
