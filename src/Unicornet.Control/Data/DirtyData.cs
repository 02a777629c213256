namespace Unicornet.Control;

/// <summary>One dirty worker.</summary>
/// <param name="Pid">Its process id.</param>
/// <param name="Age">Its spawn counter value.</param>
/// <param name="Booted">True once its apps are loaded.</param>
/// <param name="LastHeartbeat">Seconds since its last heartbeat; null when unknown.</param>
/// <param name="Apps">Import paths of the dirty apps it hosts.</param>
public sealed record DirtyWorkerInfo(int Pid, int Age, bool Booted, double? LastHeartbeat, IReadOnlyList<string> Apps);

/// <summary>One dirty app and the workers that host it.</summary>
/// <param name="ImportPath">The app reference as configured in <c>dirty_apps</c>.</param>
/// <param name="WorkerCount">Workers it is limited to; null when every dirty worker hosts it.</param>
/// <param name="CurrentWorkers">Workers hosting it now.</param>
/// <param name="WorkerPids">Their process ids.</param>
public sealed record DirtyAppInfo(string ImportPath, int? WorkerCount, int CurrentWorkers, IReadOnlyList<int> WorkerPids);

/// <summary>The reply to <c>show dirty</c>; the handler should ask the dirty arbiter for the live view.</summary>
/// <param name="Enabled">False when no dirty apps are configured.</param>
/// <param name="Pid">The dirty arbiter's pid; null when it is not running.</param>
/// <param name="TargetWorkers">The number of dirty workers the dirty arbiter is aiming for.</param>
/// <param name="Workers">The live dirty workers.</param>
/// <param name="Apps">The dirty apps.</param>
public sealed record DirtyData(bool Enabled, int? Pid, int TargetWorkers, IReadOnlyList<DirtyWorkerInfo> Workers, IReadOnlyList<DirtyAppInfo> Apps)
{
    /// <summary>The reply when dirty arbiters are not configured.</summary>
    public static DirtyData Disabled { get; } = new(false, null, 0, [], []);

    /// <summary>How many dirty workers are listed.</summary>
    public int Count => Workers.Count;
}
