namespace Unicornet.Supervision.Hooks;

/// <summary>
/// The <see cref="Worker"/> hooks receive. The master keeps one per child (pid 0 in pre_fork);
/// the worker process keeps one for itself with live counters.
/// </summary>
public sealed class WorkerView : Worker
{
    private readonly Func<ISettings> _cfg;
    private readonly Action? _notify;
    private long _requests;

    /// <summary>A view of the worker of <paramref name="age"/>; <paramref name="notify"/> is what <see cref="Notify"/> does.</summary>
    public WorkerView(int age, int ppid, Func<ISettings> cfg, ILog log, string workerClass, Action? notify = null)
    {
        Age = age;
        Ppid = ppid;
        _cfg = cfg;
        Log = log;
        WorkerClass = workerClass;
        _notify = notify;
    }

    /// <inheritdoc />
    public override int Pid => ProcessId;

    /// <summary>Settable: the master learns the pid after starting the process.</summary>
    public int ProcessId { get; set; }

    /// <inheritdoc />
    public override int Ppid { get; }

    /// <inheritdoc />
    public override int Age { get; }

    /// <inheritdoc />
    public override bool Alive => !Stopping;

    /// <summary>Told to stop (TERM, INT, max_requests, the master gone).</summary>
    public bool Stopping { get; set; }

    /// <inheritdoc />
    public override bool Booted => IsBooted;

    /// <summary>Set once post_worker_init ran.</summary>
    public bool IsBooted { get; set; }

    /// <inheritdoc />
    public override bool Aborted => IsAborted;

    /// <summary>Set when the worker got SIGABRT.</summary>
    public bool IsAborted { get; set; }

    /// <inheritdoc />
    public override ISettings Cfg => _cfg();

    /// <inheritdoc />
    public override ILog Log { get; }

    /// <inheritdoc />
    public override string WorkerClass { get; }

    /// <inheritdoc />
    public override long RequestCount => Interlocked.Read(ref _requests);

    /// <summary>Counts one more request; returns the new total.</summary>
    public long CountRequest() => Interlocked.Increment(ref _requests);

    /// <summary>Sets the count (the master copies it from the heartbeat slot).</summary>
    public void SetRequestCount(long value) => Interlocked.Exchange(ref _requests, value);

    /// <summary>Where <see cref="RequestsInFlight"/> comes from (the worker's in-flight table); unset, it is empty.</summary>
    public Func<IReadOnlyList<RequestInFlight>>? InFlightSource { get; set; }

    /// <inheritdoc />
    public override IReadOnlyList<RequestInFlight> RequestsInFlight => InFlightSource?.Invoke() ?? [];

    /// <inheritdoc />
    public override void Notify() => _notify?.Invoke();
}
