using System.Diagnostics;
using System.Net.Sockets;
using Unicornet.Dirty.Apps;
using Unicornet.Dirty.Protocol;
using Unicornet.Dirty.Routing;
using Unicornet.Platform;

namespace Unicornet.Dirty.Arbiter;

// The socket side of the dirty arbiter: accepting, reading frames, routing, timeouts.
internal sealed partial class DirtyArbiterHost
{
    private async Task AcceptLoopAsync(Socket listener, bool isWorker)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return;
            }

            var connection = new FrameConnection(socket);
            _ = isWorker ? WorkerLoopAsync(connection) : ClientLoopAsync(connection);
        }
    }

    private async Task ClientLoopAsync(FrameConnection connection)
    {
        var session = new ClientSession(connection);
        _sessions[session] = 0;
        try
        {
            while (await connection.ReadAsync().ConfigureAwait(false) is { } frame)
            {
                if (!IsClientMessage(frame.Type))
                {
                    _log.Warning("Dirty arbiter: closing a client connection that sent a {Type} frame", frame.Type);
                    break;
                }

                try
                {
                    HandleClientFrame(session, frame);
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
            _log.Warning("Dirty arbiter: closing a client connection: {Error}", e.Message);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
        {
        }
        finally
        {
            _sessions.TryRemove(session, out _);
            connection.Dispose();
            AbandonCalls(session);
        }
    }

    private static bool IsClientMessage(MessageType type) =>
        type is MessageType.Request or MessageType.Cancel or MessageType.Stash or MessageType.Status or MessageType.Manage or MessageType.RouteQuery;

    private void HandleClientFrame(ClientSession session, Frame frame)
    {
        switch (frame.Type)
        {
            case MessageType.Request:
                RouteRequest(session, frame);
                break;
            case MessageType.Cancel:
                if (session.Calls.TryRemove(frame.RequestId, out ulong internalId) && _routes.TryRemove(internalId, out Route? route))
                {
                    Finish(route);
                    route.Worker.Connection?.Send(MessageType.Cancel, internalId, ReadOnlySpan<byte>.Empty);
                }

                break;
            case MessageType.RouteQuery:
                AnswerRouteQuery(session, frame);
                break;
            case MessageType.Stash:
                session.Connection.Send(_stash.Handle(frame.RequestId, frame.Payload));
                break;
            case MessageType.Status:
                session.Connection.Send(Status(frame.RequestId));
                break;
            case MessageType.Manage:
            {
                var reader = frame.Reader();
                long op = reader.ReadInt64();
                long count = reader.End ? 1 : reader.ReadInt64();
                if (op is not (1 or 2) || count is < 1 or > 1000)
                {
                    throw new DirtyProtocolException("MANAGE needs op 1 (add) or 2 (remove) and a count from 1 to 1000");
                }

                (int changed, string reason) = Manage(op == 1, (int)count);
                var response = new FrameBuilder(MessageType.Response, frame.RequestId);
                response.WriteMapHeader(3);
                response.WriteString(op == 1 ? "spawned" : "removed");
                response.WriteInt64(changed);
                response.WriteString("reason");
                response.WriteString(reason);
                response.WriteString("target");
                response.WriteInt64(_target);
                session.Connection.Send(response);
                break;
            }

            default:
                throw new DirtyProtocolException($"a client may not send {frame.Type} frames");
        }
    }

    /// <summary>The ready workers holding the app a frame names, or null after answering the client with the reason.</summary>
    private WorkerHandle[]? ReadyWorkersFor(ClientSession session, Frame frame)
    {
        string appName = frame.Reader().ReadString();
        if (_directory.Resolve(appName) is not { } spec || !_slots.TryGetValue(spec.Id, out AppSlot? slot))
        {
            session.Connection.Send(DirtyError.Frame(frame.RequestId, new DirtyError(ErrorKinds.AppNotFound, $"no dirty app is called '{appName}'", appName)));
            return null;
        }

        WorkerHandle[] ready = Volatile.Read(ref slot.Ready);
        if (ready.Length == 0)
        {
            session.Connection.Send(DirtyError.Frame(frame.RequestId, new DirtyError(ErrorKinds.NoWorkers, $"no dirty worker has '{spec.Id}' loaded right now", appName)));
            return null;
        }

        return ready;
    }

    /// <summary>
    /// ROUTE: the ready workers holding an app and the sockets they take calls on, so the client can call
    /// them without a relay through this process (one socket round trip instead of two).
    /// </summary>
    private void AnswerRouteQuery(ClientSession session, Frame frame)
    {
        if (ReadyWorkersFor(session, frame) is not { } ready)
        {
            return;
        }

        var answer = new FrameBuilder(MessageType.Response, frame.RequestId, 64 + (ready.Length * 96));
        answer.WriteListHeader(ready.Length);
        foreach (WorkerHandle w in ready)
        {
            answer.WriteListHeader(2);
            answer.WriteInt64(w.Pid);
            answer.WriteString(UnixSockets.WorkerCallSocket(_socketDirectory, w.Pid));
        }

        session.Connection.Send(answer);
    }

    private void RouteRequest(ClientSession session, Frame frame)
    {
        if (ReadyWorkersFor(session, frame) is not { } ready)
        {
            return;
        }

        WorkerHandle worker = LeastBusy.Pick(ready, ref _nextPick);

        ulong internalId = (ulong)Interlocked.Increment(ref _nextId);
        long deadline = _timeoutTicks == long.MaxValue ? long.MaxValue : Stopwatch.GetTimestamp() + _timeoutTicks;
        var route = new Route(internalId, session, frame.RequestId, worker, deadline);
        _routes[internalId] = route;
        session.Calls[frame.RequestId] = internalId;
        worker.AddInFlight(1);
        worker.Connection!.Send(MessageType.Request, internalId, frame.Payload);
    }

    private void Finish(Route route)
    {
        route.Worker.AddInFlight(-1);
        route.Client.Calls.TryRemove(route.ClientId, out _);
    }

    private void AbandonCalls(ClientSession session)
    {
        foreach (KeyValuePair<ulong, ulong> call in session.Calls)
        {
            if (_routes.TryRemove(call.Value, out Route? route))
            {
                Finish(route);
                route.Worker.Connection?.Send(MessageType.Cancel, route.InternalId, ReadOnlySpan<byte>.Empty);
            }
        }
    }

    private async Task WorkerLoopAsync(FrameConnection connection)
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
                        MarkReady(worker, frame);
                        break;
                    case MessageType.Response or MessageType.Error or MessageType.End:
                        if (_routes.TryRemove(frame.RequestId, out Route? done))
                        {
                            Finish(done);
                            done.Client.Connection.Send(frame.Type, done.ClientId, frame.Payload);
                        }

                        // else: the call timed out or was cancelled; the late answer is dropped.
                        break;
                    case MessageType.Chunk:
                        if (_routes.TryGetValue(frame.RequestId, out Route? streaming))
                        {
                            streaming.Extend(_timeoutTicks);
                            streaming.Client.Connection.Send(MessageType.Chunk, streaming.ClientId, frame.Payload);
                        }

                        break;
                    default:
                        throw new DirtyProtocolException($"a dirty worker may not send {frame.Type} frames");
                }
            }
        }
        catch (DirtyProtocolException e)
        {
            _log.Error("Dirty arbiter: protocol error from dirty worker {Pid}: {Error}", worker?.Pid ?? 0, e.Message);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
        {
        }
        finally
        {
            connection.Dispose();
            if (worker is not null)
            {
                lock (_gate)
                {
                    worker.Connection = null;
                    RebuildSlots();
                }

                FailRoutes(worker, $"lost the connection to dirty worker {worker.Pid}");
                _signals?.Post(Wake);
            }
        }
    }

    private WorkerHandle? Hello(FrameConnection connection, Frame frame)
    {
        if (frame.Type != MessageType.Hello)
        {
            _log.Warning("Dirty arbiter: a worker connection began with {Type}, not HELLO; closing it", frame.Type);
            return null;
        }

        var reader = frame.Reader();
        int pid = (int)reader.ReadInt64();
        lock (_gate)
        {
            if (!_byPid.TryGetValue(pid, out WorkerHandle? worker) || worker.Connection is not null)
            {
                _log.Warning("Dirty arbiter: HELLO from unknown pid {Pid}; closing it", pid);
                return null;
            }

            worker.Connection = connection;
            worker.Touch();
            return worker;
        }
    }

    private void MarkReady(WorkerHandle worker, Frame frame)
    {
        lock (_gate)
        {
            worker.Ready = true;
            _bootFailures = 0;
            if (worker.Replaces is { } old)
            {
                worker.Replaces = null;
                if (!old.Reaped && !old.Retiring)
                {
                    Retire(old);
                }
            }

            RebuildSlots();
        }

        _log.Info("Dirty worker {Pid} is ready", worker.Pid);
    }

    private void FailRoutes(WorkerHandle worker, string message)
    {
        foreach (Route r in _routes.Values)
        {
            if (r.Worker == worker && _routes.TryRemove(r.InternalId, out _))
            {
                Finish(r);
                r.Client.Connection.Send(DirtyError.Frame(r.ClientId, new DirtyError(ErrorKinds.WorkerLost, message)));
            }
        }
    }

    /// <summary>Times calls out. A timed-out id is never reused, so a late answer cannot match another call.</summary>
    private async Task TimeoutLoopAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                long now = Stopwatch.GetTimestamp();
                foreach (Route r in _routes.Values)
                {
                    if (r.Deadline < now && _routes.TryRemove(r.InternalId, out _))
                    {
                        Finish(r);
                        r.Worker.Connection?.Send(MessageType.Cancel, r.InternalId, ReadOnlySpan<byte>.Empty);
                        r.Client.Connection.Send(DirtyError.Frame(r.ClientId, DirtyError.CallTimedOut(_timeoutTicks)));
                        _log.Warning("Dirty call timed out on dirty worker {Pid}", r.Worker.Pid);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private FrameBuilder Status(ulong requestId)
    {
        var f = new FrameBuilder(MessageType.Response, requestId, 1024);
        lock (_gate)
        {
            f.WriteMapHeader(6);
            f.WriteString("pid");
            f.WriteInt64(ProcessInfo.Pid);
            f.WriteString("socket");
            f.WriteString(_clientSocketPath);
            f.WriteString("target");
            f.WriteInt64(_target);
            f.WriteString("stash_tables");
            f.WriteInt64(_stash.TableCount);
            f.WriteString("workers");
            f.WriteListHeader(_workers.Count);
            foreach (WorkerHandle w in _workers)
            {
                f.WriteMapHeader(7);
                f.WriteString("pid");
                f.WriteInt64(w.Pid);
                f.WriteString("age");
                f.WriteInt64(w.Age);
                f.WriteString("apps");
                f.WriteListHeader(w.Apps.Count);
                foreach (DirtyAppSpec a in w.Apps)
                {
                    f.WriteString(a.Id);
                }

                f.WriteString("state");
                f.WriteString(w.Retiring ? "stopping" : w.Ready && w.Connection is null ? "lost" : w.Ready ? "ready" : "booting");
                f.WriteString("in_flight");
                f.WriteInt64(w.InFlight + w.DirectInFlight);
                f.WriteString("last_heartbeat_ms");
                f.WriteInt64((long)w.Silence.TotalMilliseconds);
                f.WriteString("rss_bytes");
                f.WriteValue(ProcessInfo.ResidentBytes(w.Pid));
            }

            f.WriteString("apps");
            f.WriteListHeader(_slots.Count);
            foreach (AppSlot s in _slots.Values)
            {
                f.WriteMapHeader(3);
                f.WriteString("app");
                f.WriteString(s.Spec.Id);
                f.WriteString("workers_limit");
                f.WriteValue(s.Limit);
                f.WriteString("ready_pids");
                WorkerHandle[] ready = Volatile.Read(ref s.Ready);
                f.WriteListHeader(ready.Length);
                foreach (WorkerHandle w in ready)
                {
                    f.WriteInt64(w.Pid);
                }
            }
        }

        return f;
    }
}
