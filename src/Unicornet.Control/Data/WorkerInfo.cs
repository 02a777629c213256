namespace Unicornet.Control;

/// <summary>One HTTP worker, as <c>show workers</c> lists it.</summary>
/// <param name="Pid">The worker's process id.</param>
/// <param name="Age">The spawn counter value the worker got (gunicorn's <c>worker.age</c>).</param>
/// <param name="Booted">True once it loaded the app and reported ready.</param>
/// <param name="Aborted">True once the master aborted it (timeout) or told it to stop.</param>
/// <param name="LastHeartbeat">Seconds since its last heartbeat; null before the first one.</param>
/// <param name="Requests">Requests it has served, as last reported to the master.</param>
public sealed record WorkerInfo(int Pid, int Age, bool Booted, bool Aborted, double? LastHeartbeat, long Requests)
{
    /// <summary><c>booting</c>, <c>ready</c>, <c>stopping</c> (told to stop) or <c>timed out</c>.</summary>
    public string State { get; init; } = "";

    /// <summary>Seconds since the master started it.</summary>
    public double Uptime { get; init; }

    /// <summary>Requests it is running now, as it records them for the master.</summary>
    public int InFlight { get; init; }

    /// <summary>Resident set size in bytes, read by the master from /proc; null when unreadable.</summary>
    public long? Rss { get; init; }

    /// <summary>CPU seconds (user + system) it has used, read by the master from /proc; null when unreadable.</summary>
    public double? CpuSeconds { get; init; }
}

/// <summary>The reply to <c>show workers</c>.</summary>
/// <param name="Workers">The live HTTP workers, oldest first.</param>
public sealed record WorkersData(IReadOnlyList<WorkerInfo> Workers)
{
    /// <summary>How many workers are listed.</summary>
    public int Count => Workers.Count;
}
