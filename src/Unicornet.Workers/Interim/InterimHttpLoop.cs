using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Unicornet.Http.Serving;

namespace Unicornet.Workers.Interim;

/// <summary>
/// INTERIM, NOT THE ENGINE: a deliberately small HTTP/1.x responder (one request per connection,
/// Content-Length bodies only, <c>Connection: close</c>) used only while
/// <see cref="HttpServingLoops.Create"/> throws <see cref="NotSupportedException"/>. It exists so the
/// process model (signals, reloads, timeouts) can be tested before the real loops land.
/// </summary>
internal sealed class InterimHttpLoop : IHttpServingLoop
{
    private const int MaxHead = 64 * 1024;

    private readonly HttpServingOptions _options;
    private readonly RequestDelegate _app;
    private readonly IHttpServingEvents _events;
    private readonly ILog _log;
    private int _active;

    public InterimHttpLoop(HttpServingOptions options, RequestDelegate app, IHttpServingEvents events, ILog log)
    {
        _options = options;
        _app = app;
        _events = events;
        _log = log;
    }

    public async Task RunAsync(IReadOnlyList<Socket> listeners, CancellationToken graceful, CancellationToken immediate)
    {
        using var stopAccepting = CancellationTokenSource.CreateLinkedTokenSource(graceful, immediate);
        var loops = new List<Task>();
        foreach (Socket l in listeners)
        {
            loops.Add(AcceptLoop(l, stopAccepting.Token, immediate));
        }

        await Task.WhenAll(loops).ConfigureAwait(false);
        long deadline = Environment.TickCount64 + (_options.GracefulTimeoutSeconds * 1000L);
        while (Volatile.Read(ref _active) > 0 && !immediate.IsCancellationRequested && Environment.TickCount64 < deadline)
        {
            _events.Tick();
            await Task.Delay(50, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task AcceptLoop(Socket listener, CancellationToken stop, CancellationToken immediate)
    {
        while (!stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException e)
            {
                _log.Debug("accept failed: {Error}", e.Message);
                continue;
            }

            Interlocked.Increment(ref _active);
            _ = Task.Run(() => Serve(client, immediate), CancellationToken.None);
        }
    }

    private async Task Serve(Socket client, CancellationToken immediate)
    {
        try
        {
            using (client)
            {
                client.NoDelay = true;
                await ServeOne(client, immediate).ConfigureAwait(false);
                try
                {
                    client.Shutdown(SocketShutdown.Both);
                }
                catch (SocketException)
                {
                }
            }
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            _log.Debug("connection error: {Error}", e.Message);
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }

    private async Task ServeOne(Socket client, CancellationToken immediate)
    {
        long start = Stopwatch.GetTimestamp();
        using var headTimeout = CancellationTokenSource.CreateLinkedTokenSource(immediate);
        headTimeout.CancelAfter(TimeSpan.FromSeconds(Math.Max(1, _options.HeaderReadTimeoutSeconds)));
        byte[] buffer = new byte[8192];
        var head = new MemoryStream();
        int headEnd = -1;
        while (headEnd < 0)
        {
            int n = await client.ReceiveAsync(buffer, SocketFlags.None, headTimeout.Token).ConfigureAwait(false);
            if (n == 0)
            {
                return;
            }

            head.Write(buffer, 0, n);
            headEnd = IndexOfHeadEnd(head.GetBuffer(), (int)head.Length);
            if (headEnd < 0 && head.Length > MaxHead)
            {
                await client.SendAsync(Encoding.ASCII.GetBytes("HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"), SocketFlags.None, immediate).ConfigureAwait(false);
                return;
            }
        }

        byte[] all = head.ToArray();
        string[] lines = Encoding.Latin1.GetString(all, 0, headEnd).Split("\r\n");
        string[] requestLine = lines[0].Split(' ');
        if (requestLine.Length != 3)
        {
            await client.SendAsync(Encoding.ASCII.GetBytes("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"), SocketFlags.None, immediate).ConfigureAwait(false);
            return;
        }

        var headers = new HeaderDictionary();
        for (int i = 1; i < lines.Length; i++)
        {
            int colon = lines[i].IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers.Append(lines[i][..colon].Trim(), lines[i][(colon + 1)..].Trim());
            }
        }

        var body = new MemoryStream();
        body.Write(all, headEnd + 4, all.Length - headEnd - 4);
        if (long.TryParse(headers.ContentLength?.ToString(CultureInfo.InvariantCulture), out long length))
        {
            while (body.Length < length)
            {
                int n = await client.ReceiveAsync(buffer, SocketFlags.None, headTimeout.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    return;
                }

                body.Write(buffer, 0, n);
            }
        }

        body.Position = 0;
        string target = requestLine[1];
        int q = target.IndexOf('?', StringComparison.Ordinal);
        var request = new HttpRequestFeature
        {
            Method = requestLine[0],
            Protocol = requestLine[2],
            Scheme = "http",
            Path = q < 0 ? target : target[..q],
            QueryString = q < 0 ? "" : target[q..],
            RawTarget = target,
            Headers = headers,
            Body = body,
        };
        var responseBody = new MemoryStream();
        var response = new HttpResponseFeature { Body = responseBody };
        var features = new FeatureCollection();
        features.Set<IHttpRequestFeature>(request);
        features.Set<IHttpResponseFeature>(response);
        features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(responseBody));
        features.Set<IHttpConnectionFeature>(new HttpConnectionFeature
        {
            RemoteIpAddress = (client.RemoteEndPoint as IPEndPoint)?.Address,
            LocalIpAddress = (client.LocalEndPoint as IPEndPoint)?.Address,
        });
        var context = new DefaultHttpContext(features);

        _events.RequestStarting(context);
        Exception? error = null;
        try
        {
            await _app(context).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            error = e;
            _log.Exception(e, "Error handling request {Target}", target);
            response.StatusCode = 500;
            response.Headers.Clear();
            responseBody.SetLength(0);
        }

        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {response.StatusCode} {ReasonPhrase(response.StatusCode)}\r\n");
        foreach (KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues> h in response.Headers)
        {
            if (!h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) && !h.Key.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            {
                sb.Append(CultureInfo.InvariantCulture, $"{h.Key}: {h.Value}\r\n");
            }
        }

        bool head_ = request.Method == "HEAD";
        sb.Append(CultureInfo.InvariantCulture, $"Content-Length: {responseBody.Length}\r\nConnection: close\r\n\r\n");
        await client.SendAsync(Encoding.Latin1.GetBytes(sb.ToString()), SocketFlags.None, immediate).ConfigureAwait(false);
        if (!head_ && responseBody.Length > 0)
        {
            await client.SendAsync(responseBody.GetBuffer().AsMemory(0, (int)responseBody.Length), SocketFlags.None, immediate).ConfigureAwait(false);
        }

        _events.RequestCompleted(context, new RequestSummary(response.StatusCode, responseBody.Length, Stopwatch.GetElapsedTime(start), lines[0], error));
    }

    private static int IndexOfHeadEnd(byte[] data, int length)
    {
        for (int i = 0; i + 3 < length; i++)
        {
            if (data[i] == '\r' && data[i + 1] == '\n' && data[i + 2] == '\r' && data[i + 3] == '\n')
            {
                return i;
            }
        }

        return -1;
    }

    private static string ReasonPhrase(int status) => status switch
    {
        200 => "OK",
        404 => "Not Found",
        500 => "Internal Server Error",
        _ => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status),
    };
}
