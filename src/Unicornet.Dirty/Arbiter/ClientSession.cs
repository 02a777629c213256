using System.Collections.Concurrent;
using Unicornet.Dirty.Protocol;

namespace Unicornet.Dirty.Arbiter;

/// <summary>One connection from an HTTP worker (or a dirty worker's stash client).</summary>
internal sealed class ClientSession
{
    public ClientSession(FrameConnection connection)
    {
        Connection = connection;
    }

    public FrameConnection Connection { get; }

    /// <summary>The client's request id to the arbiter's internal id, for CANCEL.</summary>
    public ConcurrentDictionary<ulong, ulong> Calls { get; } = new();
}
