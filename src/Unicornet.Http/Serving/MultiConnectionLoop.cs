using System.Collections.Concurrent;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Unicornet.Http.Connection;

namespace Unicornet.Http.Serving;

/// <summary>
/// What the gthread and async classes share: async accept on every listener, many connections per process (capped
/// at <c>worker_connections</c>: accepting pauses at the cap), keep-alive, and a heartbeat that calls
/// <see cref="IHttpServingEvents.Tick"/> and enforces header-read and keep-alive deadlines. Idle connections hold
/// no thread: they are a pending socket read and a pooled buffer. The class decides the connection settings
/// (<see cref="GthreadServingLoop"/>, <see cref="AsyncServingLoop"/>).
/// </summary>
internal sealed class MultiConnectionLoop
{
    private readonly HttpServingOptions _options;
    private readonly RequestDelegate _app;
    private readonly IHttpServingEvents _events;
    private readonly ConcurrentDictionary<Http1Connection, byte> _connections = new();

    // Kept beside the dictionary: its Count takes every bucket lock, too costly on each accept.
    private int _open;

    public MultiConnectionLoop(HttpServingOptions options, RequestDelegate app, IHttpServingEvents events)
    {
        _options = options;
        _app = app;
        _events = events;
    }

    public HttpServingOptions Options => _options;

    /// <summary>Open connections (for tests and diagnostics).</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>
    /// Serves until stopped (see <see cref="IHttpServingLoop.RunAsync"/>), keeping connections alive. What differs by
    /// class: <paramref name="requestGate"/> caps the requests running at once, <paramref name="allowUpgrade"/> offers
    /// IHttpUpgradeFeature, <paramref name="appsRunOnPollThread"/> serves on the accepting thread and holds flushes.
    /// </summary>
    public async Task RunAsync(
        IReadOnlyList<Socket> listeners, SemaphoreSlim? requestGate, bool allowUpgrade, bool appsRunOnPollThread, CancellationToken graceful, CancellationToken immediate)
    {
        var settings = new ConnectionSettings(_options, _app, _events, keepAlive: true, requestGate)
        {
            AllowUpgrade = allowUpgrade,
            AppsRunOnPollThread = appsRunOnPollThread,
        };
        using var stopAccepting = CancellationTokenSource.CreateLinkedTokenSource(graceful, immediate);
        settings.StopRequested = () =>
        {
            try
            {
                stopAccepting.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // already stopping
            }
        };

        using var slots = new SemaphoreSlim(Math.Max(1, _options.WorkerConnections));
        using var tickerStop = new CancellationTokenSource();
        Task ticker = TickAsync(tickerStop.Token);
        var accepts = new Task[listeners.Count];
        for (int i = 0; i < listeners.Count; i++)
        {
            accepts[i] = AcceptLoopAsync(listeners[i], settings, slots, stopAccepting.Token);
        }

        await Task.WhenAll(accepts).ConfigureAwait(false);
        if (graceful.IsCancellationRequested && !immediate.IsCancellationRequested && _events.DrainsAcceptQueue)
        {
            await AcceptQueuedAsync(listeners, settings, slots, immediate).ConfigureAwait(false);
        }

        await DrainAsync(immediate).ConfigureAwait(false);
        await tickerStop.CancelAsync().ConfigureAwait(false);
        await ticker.ConfigureAwait(false);
    }

    /// <summary>Stopping: idle keep-alive connections close now, busy ones after their current response (within graceful_timeout).</summary>
    private async Task DrainAsync(CancellationToken immediate)
    {
        foreach (Http1Connection connection in _connections.Keys)
        {
            if (immediate.IsCancellationRequested)
            {
                connection.Abort();
            }
            else
            {
                connection.RequestClose();
            }
        }

        long deadline = Environment.TickCount64 + (Math.Max(0, _options.GracefulTimeoutSeconds) * 1000L);
        while (!_connections.IsEmpty && Environment.TickCount64 < deadline && !immediate.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(20, immediate).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        foreach (Http1Connection connection in _connections.Keys)
        {
            connection.Abort();
        }
    }

    /// <summary>
    /// The stop ends listening for good: take the connections the kernel already queued (within worker_connections,
    /// so at the cap this waits for a connection to finish) until the queues are empty or graceful_timeout has
    /// passed. Each is owed its first request, which <see cref="DrainAsync"/> lets it finish.
    /// </summary>
    private async Task AcceptQueuedAsync(IReadOnlyList<Socket> listeners, ConnectionSettings settings, SemaphoreSlim slots, CancellationToken immediate)
    {
        AcceptQueue.MakeNonBlocking(listeners);
        long deadline = Environment.TickCount64 + (Math.Max(0, _options.GracefulTimeoutSeconds) * 1000L);
        while (!immediate.IsCancellationRequested)
        {
            long left = deadline - Environment.TickCount64;
            try
            {
                if (left <= 0 || !await slots.WaitAsync(TimeSpan.FromMilliseconds(left), immediate).ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (AcceptQueue.TryAccept(listeners) is not { } socket)
            {
                slots.Release();
                return;
            }

            // Accepted from a non-blocking listener, the socket is non-blocking too; the connection's stream needs it blocking.
            socket.Blocking = true;
            Start(socket, settings, slots);
        }
    }

    private async Task AcceptLoopAsync(Socket listener, ConnectionSettings settings, SemaphoreSlim slots, CancellationToken stop)
    {
        IAcceptBalancer? balancer = _options.AcceptBalancer;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (balancer is not null)
                {
                    await balancer.WaitTurnAsync(Volatile.Read(ref _open), stop).ConfigureAwait(false);
                }

                await slots.WaitAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(stop).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                slots.Release();
                return;
            }
            catch (SocketException)
            {
                // ECONNABORTED and friends: the next accept may well succeed.
                slots.Release();
                continue;
            }

            if (socket.ProtocolType == ProtocolType.Tcp)
            {
                socket.NoDelay = true;
            }

            Start(socket, settings, slots);
        }
    }

    /// <summary>Tracks and serves an accepted connection, which holds one of <paramref name="slots"/> until it ends.</summary>
    private void Start(Socket socket, ConnectionSettings settings, SemaphoreSlim slots)
    {
        var connection = new Http1Connection(settings, socket);
        _connections.TryAdd(connection, 0);
        _options.AcceptBalancer?.Opened(Interlocked.Increment(ref _open));
        if (settings.AppsRunOnPollThread)
        {
            // Every socket continuation already runs on its poll thread (the async class): a hop to the pool
            // here would be the only one left per connection. The request of a connection whose first bytes
            // are already there runs before the next accept, as on a gevent worker's loop.
            _ = ServeAsync(connection, slots);
        }
        else
        {
            // Off the accept loop: a connection whose first bytes are already there would otherwise run the
            // whole request (app included) inline before the next accept.
            _ = Task.Run(() => ServeAsync(connection, slots), CancellationToken.None);
        }
    }

    private async Task ServeAsync(Http1Connection connection, SemaphoreSlim slots)
    {
        long started = Environment.TickCount64;
        try
        {
            await connection.RunAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // RunAsync only lets unexpected bugs through; one connection's failure must not end the worker.
        }
        finally
        {
            _connections.TryRemove(connection, out _);
            int open = Interlocked.Decrement(ref _open);
            _options.AcceptBalancer?.Closed(open, Environment.TickCount64 - started);
            try
            {
                slots.Release();
            }
            catch (ObjectDisposedException)
            {
                // the loop has already returned
            }
        }
    }

    private async Task TickAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        try
        {
            do
            {
                _events.Tick();
                long now = Environment.TickCount64;
                foreach (Http1Connection connection in _connections.Keys)
                {
                    if (now > connection.Deadline)
                    {
                        connection.Abort();
                    }
                }
            }
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }
}
