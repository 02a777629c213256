using System.Diagnostics.CodeAnalysis;

namespace Unicornet.Arbitration;

/// <summary>What wakes the master's loop.</summary>
internal enum EventKind
{
    Signal,
    WorkerExited,
    UpgradeChildExited,
    Control,
    StacksRead,
}

/// <summary>One event for the main loop; <see cref="Stacks"/> only for <see cref="EventKind.StacksRead"/>.</summary>
/// <remarks>
/// A class, not a struct: the framework's collections are precompiled (ReadyToRun) for reference types only, so
/// an inbox over a struct of ours is JIT-compiled in every master at start (measured: ~80 methods and their
/// types, see bench/README.md).
/// </remarks>
internal sealed record MasterEvent(EventKind Kind, int Signal = 0, WorkerHandle? Worker = null, WorkerStacks? Stacks = null);

/// <summary>A timed-out worker's stacks, and how long it had been silent when they were read.</summary>
internal sealed record WorkerStacks(string Text, double SilentSeconds);

/// <summary>
/// The master's one inbox. Anything that happens on another thread (a signal, a process exit, a control
/// command, a finished stack dump) is posted here, and only the main loop reads it, so the master's
/// state has a single owner.
/// </summary>
/// <remarks>
/// A lock and a monitor rather than a channel: the one reader blocks on its own thread anyway, and a
/// channel over the master's event type would be JIT-compiled in every master (private memory that an idle
/// master keeps).
/// </remarks>
internal sealed class MasterEvents
{
    private readonly Queue<MasterEvent> _queue = new();

    public void Post(MasterEvent e)
    {
        lock (_queue)
        {
            _queue.Enqueue(e);
            Monitor.Pulse(_queue);
        }
    }

    public bool TryRead([MaybeNullWhen(false)] out MasterEvent e)
    {
        lock (_queue)
        {
            return _queue.TryDequeue(out e);
        }
    }

    /// <summary>Blocks until an event is queued or <paramref name="milliseconds"/> pass.</summary>
    public void Wait(long milliseconds)
    {
        if (milliseconds <= 0)
        {
            return;
        }

        lock (_queue)
        {
            if (_queue.Count == 0)
            {
                Monitor.Wait(_queue, (int)Math.Min(milliseconds, int.MaxValue));
            }
        }
    }

    /// <summary>Posts when <paramref name="process"/> exits (from the thread pool).</summary>
    public void PostOnExit(System.Diagnostics.Process process, MasterEvent e) =>
        _ = process.WaitForExitAsync().ContinueWith(_ => Post(e), TaskScheduler.Default);
}
