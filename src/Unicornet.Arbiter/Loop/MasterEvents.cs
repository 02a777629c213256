using System.Threading.Channels;
using Unicornet.Platform;

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
internal readonly record struct MasterEvent(EventKind Kind, int Signal = 0, WorkerHandle? Worker = null, WorkerStacks? Stacks = null);

/// <summary>A timed-out worker's stacks, and how long it had been silent when they were read.</summary>
internal sealed record WorkerStacks(string Text, double SilentSeconds);

/// <summary>
/// The master's one inbox. Anything that happens on another thread (a signal, a process exit, a control
/// command, a finished stack dump) is posted here, and only the main loop reads it, so the master's
/// state has a single owner.
/// </summary>
internal sealed class MasterEvents
{
    private readonly Channel<MasterEvent> _channel = Channel.CreateUnbounded<MasterEvent>();

    public void Post(MasterEvent e) => _channel.Writer.TryWrite(e);

    public bool TryRead(out MasterEvent e) => _channel.Reader.TryRead(out e);

    /// <summary>Blocks until an event is queued or <paramref name="milliseconds"/> pass.</summary>
    public void Wait(long milliseconds)
    {
        if (milliseconds <= 0)
        {
            return;
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(milliseconds));
        try
        {
            _channel.Reader.WaitToReadAsync(cts.Token).AsTask().GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Posts when <paramref name="process"/> exits (from the thread pool).</summary>
    public void PostOnExit(System.Diagnostics.Process process, MasterEvent e) =>
        _ = process.WaitForExitAsync().ContinueWith(_ => Post(e), TaskScheduler.Default);

    /// <summary>
    /// Moves every signal <paramref name="signals"/> catches into this inbox, in arrival order, until
    /// <paramref name="stop"/>: the signal queue stays the one place signals are caught, the loop the one
    /// place they are acted on.
    /// </summary>
    public Task Pump(SignalQueue signals, CancellationToken stop) => Task.Run(
        async () =>
        {
            try
            {
                await foreach (int signal in signals.Reader.ReadAllAsync(stop).ConfigureAwait(false))
                {
                    Post(new MasterEvent(EventKind.Signal, signal));
                }
            }
            catch (OperationCanceledException)
            {
            }
        },
        CancellationToken.None);
}
