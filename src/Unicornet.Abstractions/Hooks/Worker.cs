namespace Unicornet;

/// <summary>
/// One HTTP worker process as hooks see it. In the master (<c>pre_fork</c>, <c>child_exit</c>, ...)
/// it describes the child; inside the worker (<c>post_fork</c>, <c>pre_request</c>, ...) it is the
/// worker itself.
/// </summary>
public abstract class Worker
{
    /// <summary>The worker's process id (0 in <c>pre_fork</c>, before the process exists).</summary>
    public abstract int Pid { get; }

    /// <summary>The master's process id.</summary>
    public abstract int Ppid { get; }

    /// <summary>A counter that increases with every worker the master spawns (gunicorn's <c>worker.age</c>).</summary>
    public abstract int Age { get; }

    /// <summary>False once the worker has been told to stop.</summary>
    public abstract bool Alive { get; }

    /// <summary>True once the worker has loaded the app and is serving.</summary>
    public abstract bool Booted { get; }

    /// <summary>True once the worker received an abort (timeout).</summary>
    public abstract bool Aborted { get; }

    /// <summary>The resolved settings.</summary>
    public abstract ISettings Cfg { get; }

    /// <summary>The worker's log.</summary>
    public abstract ILog Log { get; }

    /// <summary>The worker class name: <c>sync</c>, <c>gthread</c>, <c>async</c> or <c>kestrel</c>.</summary>
    public abstract string WorkerClass { get; }

    /// <summary>Requests handled so far by this worker (0 when seen from the master).</summary>
    public abstract long RequestCount { get; }

    /// <summary>
    /// The requests the worker is running, oldest first: in <c>worker_abort</c>, the ones that hung it (method,
    /// path, client, how long each ran). Empty where the worker does not record them.
    /// </summary>
    public virtual IReadOnlyList<RequestInFlight> RequestsInFlight => [];

    /// <summary>Sends a heartbeat now (gunicorn's <c>worker.notify()</c>); useful in long hooks.</summary>
    public abstract void Notify();
}
