using Unicornet.Config.Options;

namespace Unicornet.Workers.Classes;

/// <summary>The worker classes by <see cref="WorkerClassKind"/>. The classes hold no state, so one of each serves every lookup.</summary>
internal static class WorkerClassRegistry
{
    // An array scanned in order rather than a dictionary keyed by the enum: a framework collection over
    // one of our enums cannot be precompiled (ReadyToRun), so every worker would JIT it at start.
    private static readonly IWorkerClass[] s_classes =
    [
        new SyncWorkerClass(),
        new GthreadWorkerClass(),
        new AsyncWorkerClass(),
        new KestrelWorkerClass(),
    ];

    /// <summary>Every class.</summary>
    public static IEnumerable<IWorkerClass> All => s_classes;

    /// <summary>The class of <paramref name="kind"/>.</summary>
    public static IWorkerClass Get(WorkerClassKind kind)
    {
        foreach (IWorkerClass c in s_classes)
        {
            if (c.Kind == kind)
            {
                return c;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(kind), kind, "no such worker class");
    }
}
