using System.Collections.Concurrent;
using System.Net.Sockets;
using Unicornet.Dirty.Protocol;

namespace Unicornet.Dirty.Worker;

/// <summary>
/// Reads a dirty worker's connections and runs their calls on up to <c>dirty_threads</c> slots, leader/follower
/// style: every connection has one reading thread at a time; when the reader gets a call and a slot is free
/// it hands reading to an idle thread and runs the call itself, so a call starts on the thread the kernel
/// woke for it. A call that finds every slot busy waits in a queue, and whoever finishes a call runs the
/// next one straight away.
/// </summary>
internal sealed class CallDispatcher
{
    private readonly object _dispatch = new();
    private readonly Queue<WorkerCall> _waiting = new();
    private readonly Queue<FrameConnection> _unread = new();
    private readonly ConcurrentDictionary<FrameConnection, byte> _clients = new();
    private readonly TaskCompletionSource<bool> _arbiterDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly InFlightCalls _calls;
    private readonly ActionRunner _runner;
    private readonly WorkerLifetime _lifetime;
    private readonly long _timeoutTicks;
    private readonly ILog _log;
    private FrameConnection? _arbiter;
    private int _freeSlots;
    private int _idleThreads;
    private bool _readingEnded;

    /// <param name="timeoutTicks">dirty_timeout for direct calls (long.MaxValue for none); the arbiter times the calls it relays.</param>
    public CallDispatcher(int slots, InFlightCalls calls, ActionRunner runner, WorkerLifetime lifetime, long timeoutTicks, ILog log)
    {
        _freeSlots = slots;
        _calls = calls;
        _runner = runner;
        _lifetime = lifetime;
        _timeoutTicks = timeoutTicks;
        _log = log;
    }

    /// <summary>Completes when the arbiter's connection ended: true when it closed cleanly.</summary>
    public Task<bool> ArbiterDone => _arbiterDone.Task;

    /// <summary>Starts reading the connection to the arbiter; its end ends the worker.</summary>
    public void ServeArbiter(FrameConnection arbiter)
    {
        _arbiter = arbiter;
        OfferForReading(arbiter);
    }

    /// <summary>Starts reading a client's direct connection; its end cancels only that client's calls.</summary>
    public void ServeClient(FrameConnection client)
    {
        _clients[client] = 0;
        OfferForReading(client);
    }

    public void CloseClients()
    {
        foreach (FrameConnection client in _clients.Keys)
        {
            client.Dispose();
        }
    }

    /// <summary>Queues a connection for a reader, waking an idle thread or starting one.</summary>
    private void OfferForReading(FrameConnection connection)
    {
        bool wakeIdle;
        lock (_dispatch)
        {
            _unread.Enqueue(connection);
            wakeIdle = _idleThreads > 0;
            if (wakeIdle)
            {
                Monitor.Pulse(_dispatch);
            }
        }

        if (!wakeIdle)
        {
            new Thread(ServeThread) { IsBackground = true, Name = "dirty-thread" }.Start();
        }
    }

    private void ServeThread()
    {
        while (TakeReader() is { } source)
        {
            if (ReadUntilCall(source) is { } call)
            {
                _ = ServeChainAsync(call);
            }
        }
    }

    /// <summary>Waits for a connection that has no reader (each has one reader at a time); null once reading ended.</summary>
    private FrameConnection? TakeReader()
    {
        lock (_dispatch)
        {
            while (_unread.Count == 0 && !_readingEnded)
            {
                _idleThreads++;
                Monitor.Wait(_dispatch);
                _idleThreads--;
            }

            return _readingEnded ? null : _unread.Dequeue();
        }
    }

    /// <summary>
    /// Reads <paramref name="source"/> until a call this thread should run now (it then gave up reading), or
    /// null when the connection ended. The end of the arbiter connection ends the worker; a client's, only
    /// that client's calls.
    /// </summary>
    private WorkerCall? ReadUntilCall(FrameConnection source)
    {
        bool arbiter = source == _arbiter;
        bool clean = true;
        try
        {
            while (source.Read() is { } frame)
            {
                if (OnFrame(source, frame, arbiter) is { } call)
                {
                    return call;
                }
            }
        }
        catch (DirtyProtocolException e)
        {
            if (arbiter)
            {
                DirtyLog.ArbiterProtocolError(_log, e.Message);
            }
            else
            {
                DirtyLog.ClientConnectionClosed(_log, e.Message);
            }

            clean = false;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
        {
        }

        if (arbiter)
        {
            ArbiterEnded(clean);
        }
        else
        {
            // The client went away: nobody waits for its calls' answers.
            _clients.TryRemove(source, out _);
            source.Dispose();
            _calls.CancelFrom(source);
        }

        return null;
    }

    /// <summary>Handles one frame; returns a call when this thread is to run it (another thread reads on).</summary>
    private WorkerCall? OnFrame(FrameConnection source, Frame frame, bool arbiter)
    {
        switch (frame.Type)
        {
            case MessageType.Request:
                return Accept(source, frame, arbiter);
            case MessageType.Cancel:
                _calls.Cancel(source, frame.RequestId);
                return null;
            default:
                if (!arbiter)
                {
                    throw new DirtyProtocolException($"a client may only send REQUEST and CANCEL to a dirty worker, not {frame.Type}");
                }

                DirtyLog.IgnoringFrame(_log, frame.Type);
                return null;
        }
    }

    /// <summary>Takes a free slot for a new call, or queues the call (null) when every slot is busy.</summary>
    private WorkerCall? Accept(FrameConnection source, Frame frame, bool arbiter)
    {
        var call = new WorkerCall(
            source,
            frame,
            CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Aborted),
            arbiter ? long.MaxValue : _timeoutTicks);
        _calls.Add(call);
        lock (_dispatch)
        {
            if (_freeSlots == 0)
            {
                _waiting.Enqueue(call);
                return null;
            }

            _freeSlots--;
        }

        OfferForReading(source);
        return call;
    }

    private void ArbiterEnded(bool clean)
    {
        lock (_dispatch)
        {
            _readingEnded = true;
            Monitor.PulseAll(_dispatch);
        }

        _lifetime.ArbiterLost();
        _arbiterDone.TrySetResult(clean);
    }

    /// <summary>Runs a call, then the calls that queued up meanwhile, on the same slot.</summary>
    private async Task ServeChainAsync(WorkerCall first)
    {
        WorkerCall? next = first;
        while (next is not null)
        {
            await _runner.ServeAsync(next).ConfigureAwait(false);
            lock (_dispatch)
            {
                if (!_waiting.TryDequeue(out next))
                {
                    _freeSlots++;
                    return;
                }
            }
        }
    }
}
