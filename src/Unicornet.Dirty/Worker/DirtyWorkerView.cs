namespace Unicornet.Dirty.Worker;

/// <summary>A dirty worker as hooks see it.</summary>
internal sealed class DirtyWorkerView : DirtyWorker
{
    public DirtyWorkerView(int pid, int ppid, int age, IReadOnlyList<string> apps, ISettings cfg, ILog log)
    {
        Pid = pid;
        Ppid = ppid;
        Age = age;
        Apps = apps;
        Cfg = cfg;
        Log = log;
    }

    public override int Pid { get; }

    public override int Ppid { get; }

    public override int Age { get; }

    public override IReadOnlyList<string> Apps { get; }

    public override ISettings Cfg { get; }

    public override ILog Log { get; }
}
