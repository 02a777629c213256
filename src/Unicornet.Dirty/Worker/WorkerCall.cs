using System.Diagnostics;
using Unicornet.Dirty.Protocol;

namespace Unicornet.Dirty.Worker;

/// <summary>One call being served: where its answer goes, its cancellation and, for a direct call, its deadline.</summary>
internal sealed class WorkerCall
{
    private readonly long _timeoutTicks;
    private int _finished;
    private long _deadline;

    /// <param name="timeoutTicks">dirty_timeout for a direct call; long.MaxValue when the arbiter enforces it (relayed calls) or there is none.</param>
    public WorkerCall(FrameConnection origin, Frame frame, CancellationTokenSource cancel, long timeoutTicks)
    {
        Origin = origin;
        Frame = frame;
        Cancel = cancel;
        _timeoutTicks = timeoutTicks;
        _deadline = long.MaxValue;
        Extend();
    }

    public FrameConnection Origin { get; }

    public Frame Frame { get; }

    public CancellationTokenSource Cancel { get; }

    public long Deadline => Volatile.Read(ref _deadline);

    public bool IsFinished => Volatile.Read(ref _finished) != 0;

    /// <summary>Starts the deadline again (at dispatch, and for each stream item).</summary>
    public void Extend()
    {
        if (_timeoutTicks != long.MaxValue)
        {
            Volatile.Write(ref _deadline, Stopwatch.GetTimestamp() + _timeoutTicks);
        }
    }

    /// <summary>Claims the call's one final answer (RESPONSE, END or ERROR): false if it timed out meanwhile.</summary>
    public bool TryFinish() => Interlocked.Exchange(ref _finished, 1) == 0;

    /// <summary>Cancels the call's action, unless it already finished and released its source.</summary>
    public void TryCancel()
    {
        try
        {
            Cancel.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // already finished
        }
    }

    /// <summary>Sends the call's final answer, unless its deadline already answered it.</summary>
    public void Finish(FrameBuilder frame)
    {
        if (TryFinish())
        {
            Origin.Send(frame);
        }
        else
        {
            frame.Discard();
        }
    }
}
