using System.Net.Sockets;
using Unicornet.Dirty.Protocol;

namespace Unicornet.Dirty.Arbiter;

/// <summary>
/// The arbiter's end of each client connection (HTTP workers, and dirty workers' stash clients): reads
/// its frames and dispatches them to routing, the relay, the stash, status and scaling.
/// </summary>
internal sealed class ClientChannel
{
    private readonly SessionSet _sessions;
    private readonly RouteTable _table;
    private readonly CallRelay _relay;
    private readonly StashStore _stash;
    private readonly ArbiterStatus _status;
    private readonly WorkerPool _pool;
    private readonly ILog _log;

    public ClientChannel(SessionSet sessions, RouteTable table, CallRelay relay, StashStore stash, ArbiterStatus status, WorkerPool pool, ILog log)
    {
        _sessions = sessions;
        _table = table;
        _relay = relay;
        _stash = stash;
        _status = status;
        _pool = pool;
        _log = log;
    }

    public async Task RunAsync(FrameConnection connection)
    {
        var session = new ClientSession(connection);
        _sessions.Add(session);
        try
        {
            while (await connection.ReadAsync().ConfigureAwait(false) is { } frame)
            {
                if (!IsClientMessage(frame.Type))
                {
                    DirtyLog.ClientSentWrongFrame(_log, frame.Type);
                    break;
                }

                try
                {
                    Handle(session, frame);
                }
                catch (DirtyProtocolException e)
                {
                    // A malformed payload fails that one call; the connection's framing is still intact.
                    connection.Send(DirtyError.Frame(frame.RequestId, new DirtyError(ErrorKinds.Protocol, e.Message)));
                }
            }
        }
        catch (DirtyProtocolException e)
        {
            DirtyLog.ClientClosed(_log, e.Message);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
        {
        }
        finally
        {
            _sessions.Remove(session);
            connection.Dispose();
            _relay.Abandon(session);
        }
    }

    private static bool IsClientMessage(MessageType type) =>
        type is MessageType.Request or MessageType.Cancel or MessageType.Stash or MessageType.Status or MessageType.Manage or MessageType.RouteQuery;

    private void Handle(ClientSession session, Frame frame)
    {
        switch (frame.Type)
        {
            case MessageType.Request:
                _relay.Relay(session, frame);
                break;
            case MessageType.Cancel:
                _relay.Cancel(session, frame.RequestId);
                break;
            case MessageType.RouteQuery:
                _table.AnswerRouteQuery(session, frame);
                break;
            case MessageType.Stash:
                session.Connection.Send(_stash.Handle(frame.RequestId, frame.Payload));
                break;
            case MessageType.Status:
                session.Connection.Send(_status.Build(frame.RequestId));
                break;
            case MessageType.Manage:
                session.Connection.Send(Manage(frame));
                break;
            default:
                throw new DirtyProtocolException($"a client may not send {frame.Type} frames");
        }
    }

    /// <summary>MANAGE: op 1 adds, op 2 removes, count workers (1 when absent).</summary>
    private FrameBuilder Manage(Frame frame)
    {
        var reader = frame.Reader();
        long op = reader.ReadInt64();
        long count = reader.End ? 1 : reader.ReadInt64();
        if (op is not (1 or 2) || count is < 1 or > 1000)
        {
            throw new DirtyProtocolException("MANAGE needs op 1 (add) or 2 (remove) and a count from 1 to 1000");
        }

        (int changed, string reason) = _pool.Manage(op == 1, (int)count);
        var response = new FrameBuilder(MessageType.Response, frame.RequestId);
        response.WriteMapHeader(3);
        response.WriteString(op == 1 ? "spawned" : "removed");
        response.WriteInt64(changed);
        response.WriteString("reason");
        response.WriteString(reason);
        response.WriteString("target");
        response.WriteInt64(_pool.Target);
        return response;
    }
}
