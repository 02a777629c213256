namespace Unicornet.Control;

/// <summary>A process in the <c>show all</c> overview.</summary>
/// <param name="Pid">Its process id.</param>
/// <param name="Type"><c>arbiter</c> or <c>dirty_arbiter</c>.</param>
/// <param name="Role"><c>master</c> or <c>dirty</c>.</param>
public sealed record ProcessSummary(int Pid, string Type, string Role);

/// <summary>The reply to <c>show all</c>; the server builds it from the show-stats, show-workers and show-dirty answers.</summary>
/// <param name="Arbiter">The master.</param>
/// <param name="WebWorkers">The HTTP workers.</param>
/// <param name="WebWorkerCount">How many HTTP workers run.</param>
/// <param name="WorkersTarget">The HTTP worker target.</param>
/// <param name="Uptime">Seconds since the master started.</param>
/// <param name="DirtyArbiter">The dirty arbiter, or null.</param>
/// <param name="DirtyWorkers">The dirty workers.</param>
/// <param name="DirtyWorkerCount">How many dirty workers run.</param>
public sealed record AllData(
    ProcessSummary Arbiter,
    IReadOnlyList<WorkerInfo> WebWorkers,
    int WebWorkerCount,
    int WorkersTarget,
    double Uptime,
    ProcessSummary? DirtyArbiter,
    IReadOnlyList<DirtyWorkerInfo> DirtyWorkers,
    int DirtyWorkerCount);
