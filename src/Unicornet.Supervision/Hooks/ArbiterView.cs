namespace Unicornet.Supervision.Hooks;

/// <summary>
/// The <see cref="Arbiter"/> hooks receive. The master fills it from its live state through delegates; in a
/// worker (<c>post_fork</c>, <c>worker_exit</c>) it describes the master from the snapshot. Both sides build
/// one, so it lives in the contract rather than in either process's assembly.
/// </summary>
public sealed class ArbiterView : Arbiter
{
    private readonly Func<int> _numWorkers;
    private readonly Func<IReadOnlyList<Worker>> _workers;
    private readonly Func<ISettings> _cfg;

    /// <summary>A view whose live values come from the delegates.</summary>
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

    /// <inheritdoc />
    public override int Pid { get; }

    /// <inheritdoc />
    public override ISettings Cfg => _cfg();

    /// <inheritdoc />
    public override ILog Log { get; }

    /// <inheritdoc />
    public override int NumWorkers => _numWorkers();

    /// <inheritdoc />
    public override IReadOnlyList<Worker> Workers => _workers();

    /// <inheritdoc />
    public override string? AppUri { get; }

    /// <inheritdoc />
    public override string ProcName { get; }
}
