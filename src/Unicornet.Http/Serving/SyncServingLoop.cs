using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Unicornet.Http.Connection;

namespace Unicornet.Http.Serving;

/// <summary>
/// The sync worker class: one connection at a time, no keep-alive (every response says Connection: close), and
/// no accepting while busy so the kernel hands new connections to idle workers. The accept loop waits on the
/// listeners with a one-second timeout and calls <see cref="IHttpServingEvents.Tick"/> between waits and after
/// each request; while a request runs, a timer ticks once a second (never concurrently with the loop's own ticks).
/// A graceful stop that ends listening for good serves what the kernel already queued before the loop returns
/// (<see cref="DrainQueued"/>).
/// </summary>
internal sealed class SyncServingLoop : IHttpServingLoop
{
    private readonly HttpServingOptions _options;
    private readonly RequestDelegate _app;
    private readonly IHttpServingEvents _events;
    private bool _serving;
    private volatile bool _stop;

    public SyncServingLoop(HttpServingOptions options, RequestDelegate app, IHttpServingEvents events)
    {
        _options = options;
        _app = app;
        _events = events;
    }

    public Task RunAsync(IReadOnlyList<Socket> listeners, CancellationToken graceful, CancellationToken immediate)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                Run(listeners, graceful, immediate);
                done.SetResult();
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        })
        {
            IsBackground = true,
            Name = "unicornet sync worker",
        };
        thread.Start();
        return done.Task;
    }

    private void Run(IReadOnlyList<Socket> listeners, CancellationToken graceful, CancellationToken immediate)
    {
        var settings = new ConnectionSettings(_options, _app, _events, keepAlive: false, requestGate: null)
        {
            StopRequested = () => _stop = true,
            DetectDisconnects = false,
        };
        foreach (Socket listener in listeners)
        {
            // Several workers wait on the same listener; the losers of a race must not block in accept().
            listener.Blocking = false;
        }

        // While a request blocks this thread the heartbeat comes from a timer; the worker's in-flight tracking
        // (not silence) is what lets a request stuck past the timeout get the worker replaced.
        using var heartbeat = new Timer(_ =>
        {
            if (Volatile.Read(ref _serving))
            {
                _events.Tick();
            }
        }, null, 1000, 1000);
        Accept(listeners, settings, graceful, immediate);
        if (!_stop && graceful.IsCancellationRequested && !immediate.IsCancellationRequested && _events.DrainsAcceptQueue)
        {
            DrainQueued(listeners, settings, graceful, immediate);
        }
    }

    private void Accept(IReadOnlyList<Socket> listeners, ConnectionSettings settings, CancellationToken graceful, CancellationToken immediate)
    {
        var ready = new List<Socket>(listeners.Count);
        while (!_stop && !graceful.IsCancellationRequested && !immediate.IsCancellationRequested)
        {
            _events.Tick();
            ready.Clear();
            ready.AddRange(listeners);
            try
            {
                Socket.Select(ready, null, null, 1_000_000);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return;
            }

            foreach (Socket listener in ready)
            {
                // gunicorn's sync worker keeps accepting while connections are waiting, then goes back to select.
                while (!_stop && !immediate.IsCancellationRequested)
                {
                    Socket socket;
                    try
                    {
                        // Poll first: draining the queue must not end in a thrown EAGAIN every round.
                        if (!listener.Poll(0, SelectMode.SelectRead))
                        {
                            break;
                        }

                        socket = listener.Accept();
                    }
                    catch (SocketException)
                    {
                        // Another worker won the race for this connection.
                        break;
                    }
                    catch (ObjectDisposedException)
                    {
                        return;
                    }

                    if (socket.ProtocolType == ProtocolType.Tcp)
                    {
                        socket.NoDelay = true;
                    }

#pragma warning disable CA2000 // the connection's RunAsync disposes it (and so the socket) when it ends, on every path
                    Serve(new Http1Connection(settings, socket, blocking: true), graceful, immediate);
#pragma warning restore CA2000
                    _events.Tick();
                    if (graceful.IsCancellationRequested)
                    {
                        return;
                    }
                }
            }
        }
    }

    /// <summary>
    /// The stop ends listening for good: serve the connections already queued, one at a time as ever, until the
    /// queues are empty or graceful_timeout has passed. Only then may the listeners close without resetting any.
    /// </summary>
    private void DrainQueued(IReadOnlyList<Socket> listeners, ConnectionSettings settings, CancellationToken graceful, CancellationToken immediate)
    {
        long deadline = Environment.TickCount64 + (Math.Max(0, _options.GracefulTimeoutSeconds) * 1000L);
        while (!_stop && !immediate.IsCancellationRequested && Environment.TickCount64 < deadline && AcceptQueue.TryAccept(listeners) is { } socket)
        {
#pragma warning disable CA2000 // the connection's RunAsync disposes it (and so the socket) when it ends, on every path
            Serve(new Http1Connection(settings, socket, blocking: true), graceful, immediate, deadline);
#pragma warning restore CA2000
            _events.Tick();
        }
    }

    private void Serve(Http1Connection connection, CancellationToken graceful, CancellationToken immediate, long abortAt = long.MaxValue)
    {
        // Blocking I/O runs the request on this thread; these registrations reach it while it is blocked.
        using CancellationTokenRegistration onImmediate = immediate.Register(static c => ((Http1Connection)c!).Abort(), connection);
        using CancellationTokenRegistration onGraceful = graceful.Register(static c => ((Http1Connection)c!).RequestClose(), connection);
        Volatile.Write(ref _serving, true);
        try
        {
            Task task = connection.RunAsync();
            long gracefulDeadline = abortAt;
            while (!task.Wait(100))
            {
                long now = Environment.TickCount64;
                if (immediate.IsCancellationRequested || now > connection.Deadline || now > gracefulDeadline)
                {
                    connection.Abort();
                }
                else if (graceful.IsCancellationRequested && gracefulDeadline == long.MaxValue)
                {
                    connection.RequestClose();
                    gracefulDeadline = now + (Math.Max(0, _options.GracefulTimeoutSeconds) * 1000L);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _serving, false);
        }
    }
}
