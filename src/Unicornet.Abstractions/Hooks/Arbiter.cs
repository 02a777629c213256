namespace Unicornet;

/// <summary>
/// The master process as hooks see it (gunicorn's <c>arbiter</c>/<c>server</c> argument).
/// </summary>
public abstract class Arbiter
{
    /// <summary>The master's process id.</summary>
    public abstract int Pid { get; }

    /// <summary>The resolved settings (gunicorn's <c>server.cfg</c>).</summary>
    public abstract ISettings Cfg { get; }

    /// <summary>The error log (gunicorn's <c>server.log</c>).</summary>
    public abstract ILog Log { get; }

    /// <summary>The target number of workers (gunicorn's <c>server.num_workers</c>).</summary>
    public abstract int NumWorkers { get; }

    /// <summary>The live worker processes.</summary>
    public abstract IReadOnlyList<Worker> Workers { get; }

    /// <summary>The app reference being served, for example <c>MyApp.dll:App</c>.</summary>
    public abstract string? AppUri { get; }

    /// <summary>The process title base (<c>proc_name</c>, or the app reference).</summary>
    public abstract string ProcName { get; }
}
