using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Http;
using Unicornet.Hosting.Kestrel;
using Unicornet.Hosting.Tests.Support;
using Unicornet.Http.Serving;

namespace Unicornet.Hosting.Tests.HeadGuard;

/// <summary>
/// The head guard in front of a real Kestrel (the kestrel class's own binder) over raw sockets: smuggling-shaped heads
/// get Kestrel's 400 after the requests pipelined before them and never reach the app; heads and bodies the engine
/// accepts are served as before.
/// </summary>
public sealed class HeadGuardKestrelTests
{
    /// <summary>Answers "path:body-length" and records every request that reached it.</summary>
    private sealed class EchoApp
    {
        public List<string> Seen { get; } = [];

        public async Task Invoke(HttpContext context)
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            string seen = context.Request.Path + ":" + body.Length;
            lock (Seen)
            {
                Seen.Add(seen);
            }

            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync(seen);
        }
    }

    private static async Task Serve(KestrelServingOptions options, RequestDelegate app, RecordingEvents events, Func<int, Task> test)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(64);
        KestrelServing serving = KestrelServing.ForHandler(app, options, events);
        using var graceful = new CancellationTokenSource();
        using var immediate = new CancellationTokenSource();
        Task run = serving.RunAsync([listener], graceful.Token, immediate.Token);
        try
        {
            await test(((IPEndPoint)listener.LocalEndPoint!).Port);
        }
        finally
        {
            graceful.Cancel();
            immediate.CancelAfter(TimeSpan.FromSeconds(10));
            await run.WaitAsync(TimeSpan.FromSeconds(20));
        }
    }

    /// <summary>Sends the bytes (in pieces of <paramref name="piece"/> bytes when given) and reads until the server closes.</summary>
    private static async Task<string> Exchange(int port, string request, int piece = 0)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, port);
        byte[] bytes = Encoding.Latin1.GetBytes(request);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        if (piece <= 0)
        {
            await socket.SendAsync(bytes, deadline.Token);
        }
        else
        {
            for (int i = 0; i < bytes.Length; i += piece)
            {
                await socket.SendAsync(bytes.AsMemory(i, Math.Min(piece, bytes.Length - i)), deadline.Token);
            }
        }

        var received = new MemoryStream();
        byte[] buffer = new byte[8192];
        while (true)
        {
            int n;
            try
            {
                n = await socket.ReceiveAsync(buffer, deadline.Token);
            }
            catch (SocketException)
            {
                break;
            }

            if (n == 0)
            {
                break;
            }

            received.Write(buffer, 0, n);
        }

        return Encoding.Latin1.GetString(received.ToArray());
    }

    /// <summary>The status codes of the responses in <paramref name="responses"/>, in order.</summary>
    private static List<int> Statuses(string responses)
    {
        var statuses = new List<int>();
        int at = 0;
        while ((at = responses.IndexOf("HTTP/1.1 ", at, StringComparison.Ordinal)) >= 0)
        {
            statuses.Add(int.Parse(responses.AsSpan(at + 9, 3), System.Globalization.CultureInfo.InvariantCulture));
            at += 12;
        }

        return statuses;
    }

    [Theory]
    [InlineData("POST /bad HTTP/1.1\r\nHost: t\r\nContent-Length: +1\r\n\r\nx")]
    [InlineData("POST /bad HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")]
    [InlineData("POST /bad HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\ncontent-length: 5\r\n\r\n0\r\n\r\n")]
    [InlineData("GET * HTTP/1.1\r\nHost: t\r\n\r\n")]
    [InlineData("GET t:80 HTTP/1.1\r\nHost: t\r\n\r\n")]
    [InlineData("GET /bad HTTP/2.0\r\nHost: t\r\n\r\n")]
    public async Task A_good_request_before_a_bad_head_is_answered_then_the_bad_one_gets_400_and_never_reaches_the_app(string bad)
    {
        var app = new EchoApp();
        var events = new RecordingEvents();
        var log = new RecordingLog();
        await Serve(DefaultOptions.Kestrel with { Log = log }, app.Invoke, events, async port =>
        {
            string first = "POST /good HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc";
            string responses = await Exchange(port, first + bad + "GET /after HTTP/1.1\r\nHost: t\r\n\r\n");
            Statuses(responses).ShouldBe([200, 400], responses);
            responses.ShouldContain("/good:3");
            responses[responses.LastIndexOf("HTTP/1.1 ", StringComparison.Ordinal)..].ShouldContain("Connection: close", Case.Insensitive);
        });

        app.Seen.ShouldBe(["/good:3"]);
        events.Completed.Select(s => s.Status).ShouldBe([200, 400]);
        events.Completed.Last().Started.ShouldBeFalse();
        log.Lines.ShouldContain(l => l.Contains("before Kestrel parsed it", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    public async Task Pipelined_requests_the_engine_accepts_are_all_served_however_they_arrive(int piece)
    {
        var app = new EchoApp();
        await Serve(DefaultOptions.Kestrel, app.Invoke, new RecordingEvents(), async port =>
        {
            // Bodies that look like heads the guard refuses: framing, not text, decides what is a head.
            const string LooksBad = "GET * HTTP/1.1\r\nContent-Length: +1\r\n\r\n";
            const string ChunkLooksBad = "Content-Length: 5\r\n\r\nGET * HT";
            string requests =
                $"POST /a HTTP/1.1\r\nHost: t\r\nContent-Length: {LooksBad.Length}\r\n\r\n{LooksBad}"
                + $"POST /b HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n{ChunkLooksBad.Length:x}\r\n{ChunkLooksBad}\r\n0\r\nX-Trailer: v\r\n\r\n"
                + "GET /c HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
            string responses = await Exchange(port, requests, piece);
            Statuses(responses).ShouldBe([200, 200, 200], responses);
        });

        app.Seen.ShouldBe(["/a:38", "/b:34", "/c:0"]);
    }
}
