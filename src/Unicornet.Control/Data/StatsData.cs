namespace Unicornet.Control;

/// <summary>Requests served by one worker.</summary>
/// <param name="Pid">The worker's process id.</param>
/// <param name="Requests">Requests it has served.</param>
public sealed record WorkerRequests(int Pid, long Requests);

/// <summary>The reply to <c>show stats</c>.</summary>
/// <param name="Uptime">Seconds since the master started.</param>
/// <param name="Pid">The master's process id.</param>
/// <param name="WorkersCurrent">Live HTTP workers.</param>
/// <param name="WorkersTarget">The number of workers the master is aiming for.</param>
/// <param name="WorkersSpawned">Workers started since the master started.</param>
/// <param name="WorkersKilled">Workers the master killed (timeouts, recycling, <c>worker kill</c>, scale-down).</param>
/// <param name="Reloads">Reloads (HUP or <c>reload</c>) since start.</param>
/// <param name="RequestsServed">Requests served since the master started, by live workers and by workers that have exited (reloads included).</param>
/// <param name="RequestsPerWorker">Requests served by each live worker.</param>
/// <param name="DirtyArbiterPid">The dirty arbiter's pid; null when there is none.</param>
public sealed record StatsData(
    double Uptime,
    int Pid,
    int WorkersCurrent,
    int WorkersTarget,
    long WorkersSpawned,
    long WorkersKilled,
    long Reloads,
    long RequestsServed,
    IReadOnlyList<WorkerRequests> RequestsPerWorker,
    int? DirtyArbiterPid)
{
    /// <summary><c>running</c>, or <c>stopping</c> from the moment a stop was asked for (during <c>shutdown_delay</c> too).</summary>
    public string State { get; init; } = "running";
}
