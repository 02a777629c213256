namespace Unicornet.Workers.Model;

/// <summary>
/// The <see cref="Worker"/> hooks receive. The master keeps one per child (pid 0 in pre_fork);
/// the worker process keeps one for itself with live counters.
/// </summary>
internal sealed class WorkerView : Worker
{
    private readonly Func<ISettings> _cfg;
    private readonly Action? _notify;
    private long _requests;

    public WorkerView(int age, int ppid, Func<ISettings> cfg, ILog log, string workerClass, Action? notify = null)
    {
        Age = age;
        Ppid = ppid;
        _cfg = cfg;
        Log = log;
        WorkerClass = workerClass;
        _notify = notify;
    }

    public override int Pid => ProcessId;

    /// <summary>Settable: the master learns the pid after starting the process.</summary>
    public int ProcessId { get; set; }

    public override int Ppid { get; }

    public override int Age { get; }

    public override bool Alive => !Stopping;

    public bool Stopping { get; set; }

    public override bool Booted => IsBooted;

    public bool IsBooted { get; set; }

    public override bool Aborted => IsAborted;

    public bool IsAborted { get; set; }

    public override ISettings Cfg => _cfg();

    public override ILog Log { get; }

    public override string WorkerClass { get; }

    public override long RequestCount => Interlocked.Read(ref _requests);

    /// <summary>Counts one more request; returns the new total.</summary>
    public long CountRequest() => Interlocked.Increment(ref _requests);

    /// <summary>Sets the count (the master copies it from the heartbeat slot).</summary>
    public void SetRequestCount(long value) => Interlocked.Exchange(ref _requests, value);

    public override void Notify() => _notify?.Invoke();
}
