using System.Net.Sockets;
using Unicornet.Dirty.Protocol;

namespace Unicornet.Dirty.Arbiter;

/// <summary>
/// The arbiter's end of each dirty worker's connection: HELLO ties it to a spawned worker, then come
/// heartbeats, READY, and the answers to relayed calls.
/// </summary>
internal sealed class WorkerChannel
{
    private readonly WorkerPool _pool;
    private readonly CallRelay _relay;
    private readonly ILog _log;
    private readonly Action _wake;

    /// <param name="wake">Wakes the arbiter's main loop when a worker's connection is lost.</param>
    public WorkerChannel(WorkerPool pool, CallRelay relay, ILog log, Action wake)
    {
        _pool = pool;
        _relay = relay;
        _log = log;
        _wake = wake;
    }

    public async Task RunAsync(FrameConnection connection)
    {
        WorkerHandle? worker = null;
        try
        {
            while (await connection.ReadAsync().ConfigureAwait(false) is { } frame)
            {
                if (worker is null)
                {
                    worker = Hello(connection, frame);
                    if (worker is null)
                    {
                        return;
                    }

                    continue;
                }

                worker.Touch();
                Handle(worker, frame);
            }
        }
        catch (DirtyProtocolException e)
        {
            DirtyLog.WorkerProtocolError(_log, worker?.Pid ?? 0, e.Message);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
        {
        }
        finally
        {
            connection.Dispose();
            if (worker is not null)
            {
                _pool.Disconnect(worker);
                _relay.FailRoutes(worker, $"lost the connection to dirty worker {worker.Pid}");
                _wake();
            }
        }
    }

    private void Handle(WorkerHandle worker, Frame frame)
    {
        switch (frame.Type)
        {
            case MessageType.Heartbeat:
                if (frame.Payload.Length > 0)
                {
                    // Calls clients sent the worker directly: the arbiter only learns their number this way.
                    worker.DirectInFlight = (int)frame.Reader().ReadInt64();
                }

                break;
            case MessageType.Ready:
                _pool.MarkReady(worker);
                break;
            case MessageType.Response or MessageType.Error or MessageType.End:
                _relay.Answer(frame);
                break;
            case MessageType.Chunk:
                _relay.Chunk(frame);
                break;
            default:
                throw new DirtyProtocolException($"a dirty worker may not send {frame.Type} frames");
        }
    }

    private WorkerHandle? Hello(FrameConnection connection, Frame frame)
    {
        if (frame.Type != MessageType.Hello)
        {
            DirtyLog.WorkerSkippedHello(_log, frame.Type);
            return null;
        }

        int pid = (int)frame.Reader().ReadInt64();
        WorkerHandle? worker = _pool.Connect(pid, connection);
        if (worker is null)
        {
            DirtyLog.HelloFromUnknownPid(_log, pid);
        }

        return worker;
    }
}
