using System.Collections.Concurrent;
using System.Diagnostics;
using Unicornet.Dirty.Protocol;
using Unicornet.Dirty.Routing;

namespace Unicornet.Dirty.Arbiter;

/// <summary>
/// The calls the arbiter relays for clients that cannot reach a worker directly: each gets an id of the
/// arbiter's own, never reused, so a late answer to a timed-out or cancelled call cannot match another.
/// </summary>
internal sealed class CallRelay
{
    private readonly ConcurrentDictionary<ulong, Route> _routes = new();
    private readonly RouteTable _table;
    private readonly ILog _log;
    private long _nextId;
    private int _nextPick;
    private long _timeoutTicks;

    public CallRelay(RouteTable table, ILog log)
    {
        _table = table;
        _log = log;
    }

    /// <summary><c>dirty_timeout</c> in Stopwatch ticks (long.MaxValue for none); replaced on reload.</summary>
    public long TimeoutTicks
    {
        get => Volatile.Read(ref _timeoutTicks);
        set => Volatile.Write(ref _timeoutTicks, value);
    }

    /// <summary>REQUEST: sends the call to the least busy ready worker holding its app.</summary>
    public void Relay(ClientSession session, Frame frame)
    {
        if (_table.ReadyWorkersFor(session, frame) is not { } ready)
        {
            return;
        }

        WorkerHandle worker = LeastBusy.Pick(ready, ref _nextPick);

        ulong internalId = (ulong)Interlocked.Increment(ref _nextId);
        long timeout = TimeoutTicks;
        long deadline = timeout == long.MaxValue ? long.MaxValue : Stopwatch.GetTimestamp() + timeout;
        var route = new Route(internalId, session, frame.RequestId, worker, deadline);
        _routes[internalId] = route;
        session.Calls[frame.RequestId] = internalId;
        worker.AddInFlight(1);
        worker.Connection!.Send(MessageType.Request, internalId, frame.Payload);
    }

    /// <summary>CANCEL from the client: forgets the call and tells its worker.</summary>
    public void Cancel(ClientSession session, ulong clientId)
    {
        if (session.Calls.TryRemove(clientId, out ulong internalId) && _routes.TryRemove(internalId, out Route? route))
        {
            Finish(route);
            route.Worker.Connection?.Send(MessageType.Cancel, internalId, ReadOnlySpan<byte>.Empty);
        }
    }

    /// <summary>The client went away: its calls are cancelled on their workers.</summary>
    public void Abandon(ClientSession session)
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

    /// <summary>A worker's final answer (RESPONSE, ERROR or END): passed to the client under its own id.</summary>
    public void Answer(Frame frame)
    {
        if (_routes.TryRemove(frame.RequestId, out Route? done))
        {
            Finish(done);
            done.Client.Connection.Send(frame.Type, done.ClientId, frame.Payload);
        }

        // else: the call timed out or was cancelled; the late answer is dropped.
    }

    /// <summary>A stream item: passed on, and the call's deadline starts again.</summary>
    public void Chunk(Frame frame)
    {
        if (_routes.TryGetValue(frame.RequestId, out Route? streaming))
        {
            streaming.Extend(TimeoutTicks);
            streaming.Client.Connection.Send(MessageType.Chunk, streaming.ClientId, frame.Payload);
        }
    }

    /// <summary>Fails every call in flight on <paramref name="worker"/> with WorkerLost.</summary>
    public void FailRoutes(WorkerHandle worker, string message)
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

    /// <summary>At shutdown, after the workers are gone: whatever is still in flight fails with WorkerLost.</summary>
    public void FailAll(string message)
    {
        foreach (Route r in _routes.Values)
        {
            if (_routes.TryRemove(r.InternalId, out _))
            {
                r.Client.Connection.Send(DirtyError.Frame(r.ClientId, new DirtyError(ErrorKinds.WorkerLost, message)));
            }
        }
    }

    /// <summary>Times calls out until <paramref name="stopping"/>.</summary>
    public async Task TimeoutLoopAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        try
        {
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
            {
                long now = Stopwatch.GetTimestamp();
                foreach (Route r in _routes.Values)
                {
                    if (r.Deadline < now && _routes.TryRemove(r.InternalId, out _))
                    {
                        Finish(r);
                        r.Worker.Connection?.Send(MessageType.Cancel, r.InternalId, ReadOnlySpan<byte>.Empty);
                        r.Client.Connection.Send(DirtyError.Frame(r.ClientId, DirtyError.CallTimedOut(TimeoutTicks)));
                        DirtyLog.CallTimedOut(_log, r.Worker.Pid);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static void Finish(Route route)
    {
        route.Worker.AddInFlight(-1);
        route.Client.Calls.TryRemove(route.ClientId, out _);
    }
}
