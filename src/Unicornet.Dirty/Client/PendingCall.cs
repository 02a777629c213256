using System.Threading.Channels;
using Unicornet.Dirty.Protocol;

namespace Unicornet.Dirty.Client;

/// <summary>One call a <see cref="DirtyClient"/> waits on: its reply, or for a stream its items.</summary>
internal sealed class PendingCall
{
    public PendingCall(bool stream, FrameConnection connection, WorkerEndpoint? endpoint)
    {
        Connection = connection;
        Endpoint = endpoint;
        endpoint?.AddInFlight(1);
        if (stream)
        {
            Items = Channel.CreateUnbounded<Frame>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        }
    }

    /// <summary>The connection the call was sent on: its answer comes back there, and its loss fails the call.</summary>
    public FrameConnection Connection { get; }

    /// <summary>The worker called directly, or null for a call to (or through) the arbiter.</summary>
    public WorkerEndpoint? Endpoint { get; }

    /// <summary>Completed inline only by a reader that has another read pending; otherwise from a queued work item.</summary>
    public TaskCompletionSource<Frame> Reply { get; } = new();

    public Channel<Frame>? Items { get; }
}
