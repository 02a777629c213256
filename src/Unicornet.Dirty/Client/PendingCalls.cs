using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Unicornet.Dirty.Protocol;

namespace Unicornet.Dirty.Client;

/// <summary>A client's calls waiting for an answer, by request id, on whichever connection they were sent.</summary>
internal sealed class PendingCalls
{
    private readonly ConcurrentDictionary<ulong, PendingCall> _calls = new();

    public PendingCall Add(ulong id, bool stream, FrameConnection connection, WorkerEndpoint? endpoint)
    {
        var call = new PendingCall(stream, connection, endpoint);
        _calls[id] = call;
        return call;
    }

    /// <summary>Removes a call that is done (answered, failed or abandoned); true for whoever removed it.</summary>
    public bool TryTake(ulong id, [NotNullWhen(true)] out PendingCall? call)
    {
        if (!_calls.TryRemove(id, out call))
        {
            return false;
        }

        call.Endpoint?.AddInFlight(-1);
        return true;
    }

    /// <summary>The caller gave up: forgets the call and tells the peer to stop working on it.</summary>
    public void Abandon(ulong id, FrameConnection connection)
    {
        if (TryTake(id, out _))
        {
            connection.Send(MessageType.Cancel, id, ReadOnlySpan<byte>.Empty);
        }
    }

    /// <summary>Hands a reply or stream item to its call; <paramref name="inline"/> completes a reply on this thread.</summary>
    public void Deliver(Frame frame, bool inline)
    {
        if (!_calls.TryGetValue(frame.RequestId, out PendingCall? call))
        {
            return; // abandoned (timed out or cancelled) call: drop the late frame.
        }

        if (call.Items is not null)
        {
            call.Items.Writer.TryWrite(frame);
            if (frame.Type != MessageType.Chunk)
            {
                TryTake(frame.RequestId, out _);
            }
        }
        else if (TryTake(frame.RequestId, out _))
        {
            if (inline)
            {
                call.Reply.TrySetResult(frame);
            }
            else
            {
                ThreadPool.UnsafeQueueUserWorkItem(static s => s.Reply.TrySetResult(s.Frame), (call.Reply, Frame: frame), preferLocal: false);
            }
        }
    }

    /// <summary>Fails the calls waiting on <paramref name="connection"/> (every call when null).</summary>
    public void FailCalls(FrameConnection? connection, Exception error)
    {
        foreach (KeyValuePair<ulong, PendingCall> pending in _calls)
        {
            if ((connection is null || pending.Value.Connection == connection) && TryTake(pending.Key, out PendingCall? call))
            {
                // Never inline: this runs on the reader or in Dispose, and each caller may block.
                ThreadPool.UnsafeQueueUserWorkItem(static s => s.Reply.TrySetException(s.Error), (call.Reply, Error: error), preferLocal: false);
                call.Items?.Writer.TryComplete(error);
            }
        }
    }
}
