using System.Net.Sockets;
using System.Text;
using Unicornet.Config;
using Unicornet.Config.Settings;
using Unicornet.Logging.Metrics;

namespace Unicornet.Arbitration;

/// <summary>
/// <c>metrics_bind</c>: the master's own small HTTP/1.1 responder for <c>/metrics</c>, <c>/healthz</c> and
/// <c>/readyz</c>, on its own listener and threads, never the main loop's. One request per connection; a request
/// head is at most 8 KiB and must arrive within 5 s; at most 8 scrapes at once (more are closed), so a slow or
/// hostile scraper costs the master a few threads for a few seconds and nothing else. Kept to sockets and a
/// string writer so the master carries no web stack (ASP.NET Core's server, prometheus-net) in its memory.
/// </summary>
internal sealed class MetricsEndpoint : IDisposable
{
    private const int MaxHead = 8 * 1024;
    private const int MaxConcurrent = 8;
    private static readonly TimeSpan s_headDeadline = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_dirtyTimeout = TimeSpan.FromSeconds(1);

    private readonly MasterContext _ctx;
    private readonly MetricsRegistry _registry;
    private readonly Listener _listener;
    private int _active;
    private int _disposed;

    private MetricsEndpoint(MasterContext ctx, MetricsRegistry registry, Listener listener)
    {
        _ctx = ctx;
        _registry = registry;
        _listener = listener;
    }

    /// <summary>The listener's address as the log shows it.</summary>
    public string Address => _listener.ToString();

    /// <summary>Binds <c>metrics_bind</c> and starts accepting; null (logged) when the address cannot be bound.</summary>
    public static MetricsEndpoint? Start(MasterContext ctx, MetricsRegistry registry, UnicornetConfig config)
    {
        if (config.Options.Metrics.Bind is not { } bind)
        {
            return null;
        }

        Listener? listener = null;
        try
        {
            listener = ListenerBinder.Bind(BindAddress.Parse(bind), config);
            var endpoint = new MetricsEndpoint(ctx, registry, listener);
            listener = null; // the endpoint owns it now
            new Thread(endpoint.AcceptLoop) { IsBackground = true, Name = "unicornet-metrics" }.Start();
            ctx.Log.MetricsListening(endpoint.Address);
            return endpoint;
        }
        catch (Exception e) when (e is SocketException or IOException or UnauthorizedAccessException or SettingValueException)
        {
            ctx.Log.MetricsUnavailable(bind, e.Message);
            return null;
        }
        finally
        {
            listener?.Dispose();
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            ListenerBinder.Close(_listener, unlink: true);
        }
    }

    private void AcceptLoop()
    {
        while (Volatile.Read(ref _disposed) == 0)
        {
            Socket client;
            try
            {
                client = _listener.Socket.Accept();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                if (Volatile.Read(ref _disposed) != 0)
                {
                    return;
                }

                continue;
            }

            if (Interlocked.Increment(ref _active) > MaxConcurrent)
            {
                Interlocked.Decrement(ref _active);
                client.Dispose();
                continue;
            }

            ThreadPool.UnsafeQueueUserWorkItem(static s => ((Connection)s!).Run(), new Connection(this, client));
        }
    }

    private void Serve(Socket client)
    {
        using (client)
        {
            try
            {
                client.ReceiveTimeout = (int)s_headDeadline.TotalMilliseconds;
                client.SendTimeout = (int)s_headDeadline.TotalMilliseconds;
                if (ReadHead(client) is not { } head)
                {
                    Send(client, 400, "text/plain; charset=utf-8", "bad request\n", head: false);
                    return;
                }

                Reply reply = Answer(head);
                Send(client, reply.Status, reply.ContentType, reply.Body, head.Method == "HEAD");
            }
            catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException)
            {
                // the scraper went away or was too slow
            }
            catch (Exception e)
            {
                // A scrape must never take the master down.
                _ctx.Log.MetricsScrapeFailed(e.Message);
            }
        }
    }

    private Reply Answer(RequestHead head)
    {
        const string text = "text/plain; charset=utf-8";
        if (head.Method is not ("GET" or "HEAD"))
        {
            return new Reply(405, text, "method not allowed\n");
        }

        switch (head.Path)
        {
            case "/metrics":
                bool openMetrics = Unicornet.Supervision.Metrics.ExpositionWriter.WantsOpenMetrics(head.Accept);
                string document = Render(openMetrics);
                return new Reply(200, openMetrics ? Unicornet.Supervision.Metrics.ExpositionWriter.OpenMetricsContentType : Unicornet.Supervision.Metrics.ExpositionWriter.PrometheusContentType, document);
            case "/healthz":
                return _registry.AnyReady() ? new Reply(200, text, "ok\n") : new Reply(503, text, "no worker is ready\n");
            case "/readyz":
                return _ctx.StopState.Stopping ? new Reply(503, text, "stopping\n") : _registry.AnyReady() ? new Reply(200, text, "ready\n") : new Reply(503, text, "no worker is ready\n");
            default:
                return new Reply(404, text, "not found: try /metrics, /healthz or /readyz\n");
        }
    }

    /// <summary>The exposition a scrape gets now (also <c>unicornetc show metrics</c>).</summary>
    public string Render(bool openMetrics)
    {
        MetricsScrape scrape = _registry.Collect();
        List<Listener> listeners = _ctx.Listeners;
        int? backlog = listeners.Count == 0 ? null : new BacklogProbe(listeners.Select(l => l.Fd)).Read();
        IReadOnlyDictionary<string, object?>? dirty = null;
        if (_ctx.Dirty is { } supervisor)
        {
            try
            {
                dirty = supervisor.StatusAsync(s_dirtyTimeout).GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is IOException or SocketException or TimeoutException or OperationCanceledException or InvalidOperationException)
            {
                // the dirty figures are left out of this scrape
            }
        }

        return MetricsDocument.Render(scrape, openMetrics, backlog, dirty);
    }

    private static RequestHead? ReadHead(Socket client)
    {
        byte[] buffer = new byte[MaxHead];
        int length = 0;
        long deadline = Environment.TickCount64 + (long)s_headDeadline.TotalMilliseconds;
        while (true)
        {
            int end = buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                return RequestHead.Parse(Encoding.Latin1.GetString(buffer, 0, end));
            }

            if (length == buffer.Length || Environment.TickCount64 > deadline)
            {
                return null;
            }

            int n = client.Receive(buffer, length, buffer.Length - length, SocketFlags.None);
            if (n == 0)
            {
                return null;
            }

            length += n;
        }
    }

    private static void Send(Socket client, int status, string contentType, string body, bool head)
    {
        byte[] payload = Encoding.UTF8.GetBytes(body);
        string reason = status switch
        {
            200 => "OK",
            400 => "Bad Request",
            404 => "Not Found",
            405 => "Method Not Allowed",
            _ => "Service Unavailable",
        };
        string headers = $"HTTP/1.1 {status} {reason}\r\nContent-Type: {contentType}\r\nContent-Length: {payload.Length}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";
        client.Send(Encoding.ASCII.GetBytes(headers));
        if (!head)
        {
            client.Send(payload);
        }

        client.Shutdown(SocketShutdown.Send);
    }

    /// <summary>One accepted connection handed to the thread pool (a class: no generic code over our own structs).</summary>
    private sealed class Connection
    {
        private readonly MetricsEndpoint _endpoint;
        private readonly Socket _socket;

        public Connection(MetricsEndpoint endpoint, Socket socket)
        {
            _endpoint = endpoint;
            _socket = socket;
        }

        public void Run()
        {
            try
            {
                _endpoint.Serve(_socket);
            }
            finally
            {
                Interlocked.Decrement(ref _endpoint._active);
            }
        }
    }

    private sealed record Reply(int Status, string ContentType, string Body);

    private sealed record RequestHead(string Method, string Path, string? Accept)
    {
        public static RequestHead? Parse(string head)
        {
            string[] lines = head.Split("\r\n");
            string[] requestLine = lines[0].Split(' ');
            if (requestLine.Length != 3 || !requestLine[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
            {
                return null;
            }

            string target = requestLine[1];
            int query = target.IndexOf('?', StringComparison.Ordinal);
            string? accept = null;
            foreach (string line in lines.Skip(1))
            {
                int colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0 && line.AsSpan(0, colon).Trim().Equals("accept", StringComparison.OrdinalIgnoreCase))
                {
                    accept = line[(colon + 1)..].Trim();
                }
            }

            return new RequestHead(requestLine[0], query >= 0 ? target[..query] : target, accept);
        }
    }
}
