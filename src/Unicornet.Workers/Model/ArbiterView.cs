namespace Unicornet.Workers.Model;

/// <summary>
/// The <see cref="Arbiter"/> hooks receive. The master fills it from its live state through
/// delegates; in a worker (<c>post_fork</c>, <c>worker_exit</c>) it describes the master from the
/// snapshot. It lives here, not in Unicornet.Arbiter, because that assembly's namespace shares the
/// type's name.
/// </summary>
internal sealed class ArbiterView : Arbiter
{
    private readonly Func<int> _numWorkers;
    private readonly Func<IReadOnlyList<Worker>> _workers;
    private readonly Func<ISettings> _cfg;

    public ArbiterView(int pid, Func<ISettings> cfg, ILog log, Func<int> numWorkers, Func<IReadOnlyList<Worker>> workers, string? appUri, string procName)
    {
        Pid = pid;
        _cfg = cfg;
        Log = log;
        _numWorkers = numWorkers;
        _workers = workers;
        AppUri = appUri;
        ProcName = procName;
    }

    public override int Pid { get; }

    public override ISettings Cfg => _cfg();

    public override ILog Log { get; }

    public override int NumWorkers => _numWorkers();

    public override IReadOnlyList<Worker> Workers => _workers();

    public override string? AppUri { get; }

    public override string ProcName { get; }
}
