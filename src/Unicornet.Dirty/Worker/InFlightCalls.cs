using System.Collections.Concurrent;
using Unicornet.Dirty.Protocol;
using Unicornet.Platform;

namespace Unicornet.Dirty.Worker;

/// <summary>The calls a dirty worker runs or queues, by the connection they came on and its request id.</summary>
internal sealed class InFlightCalls
{
    private readonly ConcurrentDictionary<(FrameConnection Origin, ulong Id), WorkerCall> _calls = new();

    public int Count => _calls.Count;

    public bool IsEmpty => _calls.IsEmpty;

    public void Add(WorkerCall call) => _calls[(call.Origin, call.Frame.RequestId)] = call;

    public void Remove(WorkerCall call) => _calls.TryRemove((call.Origin, call.Frame.RequestId), out _);

    /// <summary>CANCEL: cancels that call, if it still runs.</summary>
    public void Cancel(FrameConnection origin, ulong id)
    {
        if (_calls.TryGetValue((origin, id), out WorkerCall? cancelled))
        {
            cancelled.TryCancel();
        }
    }

    /// <summary>The client went away: nobody waits for its calls' answers.</summary>
    public void CancelFrom(FrameConnection origin)
    {
        foreach (KeyValuePair<(FrameConnection Origin, ulong Id), WorkerCall> entry in _calls)
        {
            if (entry.Key.Origin == origin)
            {
                entry.Value.TryCancel();
            }
        }
    }

    /// <summary>Times out direct calls (the arbiter does it for the calls it relays), as the arbiter would.</summary>
    public async Task DeadlineLoopAsync(long timeoutTicks, ILog log, CancellationToken aborted)
    {
        if (timeoutTicks == long.MaxValue)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        try
        {
            while (await timer.WaitForNextTickAsync(aborted).ConfigureAwait(false))
            {
                long now = System.Diagnostics.Stopwatch.GetTimestamp();
                foreach (WorkerCall call in _calls.Values)
                {
                    if (call.Deadline < now && call.TryFinish())
                    {
                        call.TryCancel();
                        call.Origin.Send(DirtyError.Frame(call.Frame.RequestId, DirtyError.CallTimedOut(timeoutTicks)));
                        DirtyLog.CallTimedOut(log, ProcessInfo.Pid);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
