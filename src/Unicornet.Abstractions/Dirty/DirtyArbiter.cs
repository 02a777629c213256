namespace Unicornet;

/// <summary>The dirty arbiter process, as the dirty hooks see it.</summary>
public abstract class DirtyArbiter
{
    /// <summary>The dirty arbiter's process id.</summary>
    public abstract int Pid { get; }

    /// <summary>The resolved settings.</summary>
    public abstract ISettings Cfg { get; }

    /// <summary>The dirty arbiter's log.</summary>
    public abstract ILog Log { get; }

    /// <summary>The live dirty workers.</summary>
    public abstract IReadOnlyList<DirtyWorker> Workers { get; }
}
