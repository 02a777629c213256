using System.Collections.Concurrent;
using Unicornet.Dirty.Protocol;

namespace Unicornet.Dirty.Arbiter;

/// <summary>The client connections open right now, so a change of routes can be announced to all of them.</summary>
internal sealed class SessionSet
{
    private readonly ConcurrentDictionary<ClientSession, byte> _sessions = new();

    public void Add(ClientSession session) => _sessions[session] = 0;

    public void Remove(ClientSession session) => _sessions.TryRemove(session, out _);

    /// <summary>ROUTES_CHANGED: clients that call workers directly drop their cached routes and ask again on their next call.</summary>
    public void AnnounceRoutesChanged()
    {
        foreach (ClientSession session in _sessions.Keys)
        {
            session.Connection.Send(MessageType.RoutesChanged, 0, ReadOnlySpan<byte>.Empty);
        }
    }
}
