namespace Unicornet.Dirty.Tests.Apps;

/// <summary>Loaded by a single dirty worker (attribute), unless the config entry says otherwise.</summary>
[DirtyWorkers(1)]
public sealed class LimitedApp : DirtyApp
{
    public int Pid() => Environment.ProcessId;
}
