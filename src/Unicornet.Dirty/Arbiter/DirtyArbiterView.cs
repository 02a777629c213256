namespace Unicornet.Dirty.Arbiter;

/// <summary>The dirty arbiter as hooks see it; <see cref="Workers"/> reads the live table each time.</summary>
internal sealed class DirtyArbiterView : DirtyArbiter
{
    private readonly Func<IReadOnlyList<DirtyWorker>> _workers;

    public DirtyArbiterView(int pid, ISettings cfg, ILog log, Func<IReadOnlyList<DirtyWorker>> workers)
    {
        Pid = pid;
        Cfg = cfg;
        Log = log;
        _workers = workers;
    }

    public override int Pid { get; }

    public override ISettings Cfg { get; }

    public override ILog Log { get; }

    public override IReadOnlyList<DirtyWorker> Workers => _workers();
}
