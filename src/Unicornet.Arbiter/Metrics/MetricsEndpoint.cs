using System.Buffers;
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
/// <remarks>
/// Memory is the goal here (issue 14: metrics on costs the master at most 3 MB): the request head is parsed
/// as bytes in a pooled buffer, the response is encoded into a pooled buffer, the backlog probe is kept while
/// the listeners stay the same, and after a scrape a collection hands its memory back (see
/// <see cref="GiveBackScrapeMemory"/>).
/// </remarks>
internal sealed class MetricsEndpoint : IDisposable
{
    private const int MaxHead = 8 * 1024;
    private const int MaxConcurrent = 8;
    private static readonly TimeSpan s_headDeadline = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_dirtyTimeout = TimeSpan.FromSeconds(1);

    private readonly MasterContext _ctx;
    private readonly MetricsRegistry _registry;
    private readonly Listener _listener;
    private readonly object _probeGate = new();
    private BacklogProbe? _backlog;
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
            bool scraped = false;
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
                scraped = head.Path == "/metrics";
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
            finally
            {
                if (scraped)
                {
                    GiveBackScrapeMemory();
                }
            }
        }
    }

    /// <summary>
    /// Hands a scrape's memory back to the system. The master allocates so little besides scrapes that its gen0
    /// budget is never reached, so without this every scrape's garbage would stay in freshly touched pages; a plain
    /// gen0 collection keeps the pages committed (measured: more PSS than no collection at all). An aggressive
    /// collection compacts and decommits; on the master's heap of a few hundred KB it takes about a millisecond,
    /// less than the scrape's own /proc reads.
    /// </summary>
    private static void GiveBackScrapeMemory() =>
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);

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
        int? backlog = ReadBacklog();
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

    /// <summary>The listeners' accept queues; the probe (which resolves the sockets' inodes) is kept until the listeners change.</summary>
    private int? ReadBacklog()
    {
        List<Listener> listeners = _ctx.Listeners;
        if (listeners.Count == 0)
        {
            return null;
        }

        int[] fds = new int[listeners.Count];
        for (int i = 0; i < fds.Length; i++)
        {
            fds[i] = listeners[i].Fd;
        }

        BacklogProbe probe;
        lock (_probeGate)
        {
            if (_backlog is null || !_backlog.Watches(fds))
            {
                _backlog = new BacklogProbe(fds);
            }

            probe = _backlog;
        }

        return probe.Read();
    }

    private static RequestHead? ReadHead(Socket client)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(MaxHead);
        try
        {
            int length = 0;
            long deadline = Environment.TickCount64 + (long)s_headDeadline.TotalMilliseconds;
            while (true)
            {
                int end = buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8);
                if (end >= 0)
                {
                    return RequestHead.Parse(buffer.AsSpan(0, end));
                }

                if (length >= MaxHead || Environment.TickCount64 > deadline)
                {
                    return null;
                }

                int n = client.Receive(buffer, length, MaxHead - length, SocketFlags.None);
                if (n == 0)
                {
                    return null;
                }

                length += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void Send(Socket client, int status, string contentType, string body, bool head)
    {
        string reason = status switch
        {
            200 => "OK",
            400 => "Bad Request",
            404 => "Not Found",
            405 => "Method Not Allowed",
            _ => "Service Unavailable",
        };

        // One pooled buffer for head and body: a scrape's document is encoded once, into memory the next scrape reuses.
        const int headRoom = 512;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(headRoom + Encoding.UTF8.GetMaxByteCount(body.Length));
        try
        {
            int bodyLength = Encoding.UTF8.GetBytes(body, buffer.AsSpan(headRoom));
            string headers = string.Concat(
                "HTTP/1.1 ", status.ToString(System.Globalization.CultureInfo.InvariantCulture), " ", reason,
                "\r\nContent-Type: ", contentType,
                "\r\nContent-Length: ", bodyLength.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n");
            int headLength = Encoding.ASCII.GetBytes(headers, buffer);
            if (!head)
            {
                // The body follows the head in the buffer, so the response goes out in one write.
                buffer.AsSpan(headRoom, bodyLength).CopyTo(buffer.AsSpan(headLength));
            }

            client.Send(buffer, 0, head ? headLength : headLength + bodyLength, SocketFlags.None);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
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
        /// <summary>Parses the head (without its closing blank line) as bytes: only the three short strings a reply needs are made.</summary>
        public static RequestHead? Parse(ReadOnlySpan<byte> head)
        {
            int lineEnd = head.IndexOf("\r\n"u8);
            ReadOnlySpan<byte> requestLine = lineEnd >= 0 ? head[..lineEnd] : head;
            int sp1 = requestLine.IndexOf((byte)' ');
            if (sp1 < 0)
            {
                return null;
            }

            ReadOnlySpan<byte> afterMethod = requestLine[(sp1 + 1)..];
            int sp2 = afterMethod.IndexOf((byte)' ');
            if (sp2 < 0)
            {
                return null;
            }

            ReadOnlySpan<byte> target = afterMethod[..sp2];
            ReadOnlySpan<byte> version = afterMethod[(sp2 + 1)..];
            if (version.Contains((byte)' ') || !version.StartsWith("HTTP/1."u8))
            {
                return null;
            }

            int query = target.IndexOf((byte)'?');
            string? accept = null;
            ReadOnlySpan<byte> rest = lineEnd >= 0 ? head[(lineEnd + 2)..] : default;
            while (!rest.IsEmpty)
            {
                int end = rest.IndexOf("\r\n"u8);
                ReadOnlySpan<byte> line = end >= 0 ? rest[..end] : rest;
                rest = end >= 0 ? rest[(end + 2)..] : default;
                int colon = line.IndexOf((byte)':');
                if (colon > 0 && Ascii.EqualsIgnoreCase(line[..colon].Trim(" \t"u8), "accept"u8))
                {
                    accept = Encoding.Latin1.GetString(line[(colon + 1)..].Trim(" \t"u8));
                }
            }

            return new RequestHead(
                Encoding.Latin1.GetString(requestLine[..sp1]),
                Encoding.Latin1.GetString(query >= 0 ? target[..query] : target),
                accept);
        }
    }
}
