using System.Collections.Frozen;
using Unicornet.Config.Options;

namespace Unicornet.Workers.Classes;

/// <summary>The worker classes by <see cref="WorkerClassKind"/>. The classes hold no state, so one of each serves every lookup.</summary>
internal static class WorkerClassRegistry
{
    private static readonly FrozenDictionary<WorkerClassKind, IWorkerClass> s_classes = new IWorkerClass[]
    {
        new SyncWorkerClass(),
        new GthreadWorkerClass(),
        new AsyncWorkerClass(),
        new KestrelWorkerClass(),
    }.ToFrozenDictionary(c => c.Kind);

    /// <summary>Every class.</summary>
    public static IEnumerable<IWorkerClass> All => s_classes.Values;

    /// <summary>The class of <paramref name="kind"/>.</summary>
    public static IWorkerClass Get(WorkerClassKind kind) =>
        s_classes.TryGetValue(kind, out IWorkerClass? c) ? c : throw new ArgumentOutOfRangeException(nameof(kind), kind, "no such worker class");
}
