namespace Unicornet;

/// <summary>One dirty worker process, as the dirty hooks see it.</summary>
public abstract class DirtyWorker
{
    /// <summary>The dirty worker's process id.</summary>
    public abstract int Pid { get; }

    /// <summary>The dirty arbiter's process id.</summary>
    public abstract int Ppid { get; }

    /// <summary>A counter that increases with every dirty worker spawned.</summary>
    public abstract int Age { get; }

    /// <summary>The dirty apps (<c>Assembly:Type</c>) this worker loaded.</summary>
    public abstract IReadOnlyList<string> Apps { get; }

    /// <summary>The resolved settings.</summary>
    public abstract ISettings Cfg { get; }

    /// <summary>The dirty worker's log.</summary>
    public abstract ILog Log { get; }
}
