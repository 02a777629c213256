using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Unicornet.Http.AccessLog;
using Unicornet.Http.Serving;

namespace Unicornet.Http.Tests;

public sealed class ServingLoopTests
{
    private static readonly RequestDelegate s_hello = ctx => Text(ctx, "hello " + ctx.Request.Path);

    /// <summary>Writes a text body with Content-Length (chunked framing has its own test).</summary>
    private static Task Text(HttpContext ctx, string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        ctx.Response.ContentType = "text/plain";
        ctx.Response.ContentLength = bytes.Length;
        return ctx.Response.Body.WriteAsync(bytes).AsTask();
    }

    [Theory]
    [InlineData(ServingLoopKind.Sync)]
    [InlineData(ServingLoopKind.Gthread)]
    [InlineData(ServingLoopKind.Async)]
    public async Task Serves_a_request(ServingLoopKind workerClass)
    {
        await using var loop = new LoopHarness(LoopHarness.Options(workerClass), s_hello);
        string response = loop.Exchange("GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        response.ShouldStartWith("HTTP/1.1 200 OK\r\n");
        response.ShouldContain("\r\nServer: unicornet\r\n");
        response.ShouldContain("\r\nDate: ");
        response.ShouldEndWith("hello /a");
    }

    [Theory]
    [InlineData(ServingLoopKind.Sync)]
    [InlineData(ServingLoopKind.Gthread)]
    [InlineData(ServingLoopKind.Async)]
    public async Task An_HTTP_1_1_request_without_Host_gets_400_and_HTTP_1_0_needs_none(ServingLoopKind workerClass)
    {
        await using var loop = new LoopHarness(LoopHarness.Options(workerClass), s_hello);
        loop.Exchange("GET / HTTP/1.1\r\n\r\n").ShouldStartWith("HTTP/1.1 400 ");
        loop.Exchange("GET / HTTP/1.1\r\nConnection: close\r\n\r\n").ShouldStartWith("HTTP/1.1 400 ");
        loop.Exchange("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n").ShouldStartWith("HTTP/1.1 400 ");
        loop.Exchange("GET /ten HTTP/1.0\r\n\r\n").ShouldEndWith("hello /ten");
        loop.Exchange("GET /one HTTP/1.1\r\nhost: x\r\nConnection: close\r\n\r\n").ShouldEndWith("hello /one");
    }

    [Fact]
    public async Task Sync_worker_always_closes()
    {
        await using var loop = new LoopHarness(LoopHarness.Options(ServingLoopKind.Sync), s_hello);
        using Socket socket = loop.Connect();
        socket.Send("GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
        string response = LoopHarness.ReadToClose(socket);
        response.ShouldContain("Connection: close\r\n");
        response.ShouldContain("hello /1");
        response.ShouldNotContain("hello /2");
    }

    [Theory]
    [InlineData(ServingLoopKind.Gthread)]
    [InlineData(ServingLoopKind.Async)]
    public async Task Keep_alive_and_pipelining(ServingLoopKind workerClass)
    {
        await using var loop = new LoopHarness(LoopHarness.Options(workerClass), s_hello);
        using Socket socket = loop.Connect();
        socket.Send("GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
        string both = LoopHarness.ReadUntil(socket, s => s.Contains("hello /2", StringComparison.Ordinal));
        both.IndexOf("hello /1", StringComparison.Ordinal).ShouldBeLessThan(both.IndexOf("hello /2", StringComparison.Ordinal));
        both.ShouldNotContain("Connection: close");
        socket.Send("GET /3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"u8.ToArray());
        LoopHarness.ReadToClose(socket).ShouldEndWith("hello /3");
    }

    [Fact]
    public async Task Head_204_304_have_no_body()
    {
        await using var loop = new LoopHarness(LoopHarness.Options(ServingLoopKind.Async), async ctx =>
        {
            ctx.Response.StatusCode = ctx.Request.Path == "/204" ? 204 : ctx.Request.Path == "/304" ? 304 : 200;
            await ctx.Response.WriteAsync("body!");
        });
        string head = loop.Exchange("HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        head.ShouldStartWith("HTTP/1.1 200 OK");
        head.ShouldEndWith("\r\n\r\n");
        string noContent = loop.Exchange("GET /204 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        noContent.ShouldStartWith("HTTP/1.1 204 No Content");
        noContent.ShouldEndWith("\r\n\r\n");
        noContent.ShouldNotContain("Content-Length");
        noContent.ShouldNotContain("Transfer-Encoding");
        loop.Exchange("GET /304 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").ShouldEndWith("\r\n\r\n");
    }

    [Fact]
    public async Task Chunked_request_and_chunked_response()
    {
        await using var loop = new LoopHarness(LoopHarness.Options(ServingLoopKind.Async), async ctx =>
        {
            string body = await new StreamReader(ctx.Request.Body).ReadToEndAsync();
            await ctx.Response.Body.WriteAsync(Encoding.ASCII.GetBytes("got:" + body));
            await ctx.Response.Body.FlushAsync();
            await ctx.Response.Body.WriteAsync("!"u8.ToArray());
        });
        string response = loop.Exchange("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n");
        response.ShouldContain("Transfer-Encoding: chunked\r\n");
        response.ShouldContain("got:hello world\r\n");
        response.ShouldEndWith("0\r\n\r\n");
    }

    [Theory]
    [InlineData(ServingLoopKind.Sync)]
    [InlineData(ServingLoopKind.Gthread)]
    [InlineData(ServingLoopKind.Async)]
    public async Task Flushed_bytes_reach_the_client_while_the_app_waits(ServingLoopKind workerClass)
    {
        // The async class holds a flush back while the app runs synchronously; once the app waits, the bytes
        // it flushed must already be on the wire (server-sent events depend on it).
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var loop = new LoopHarness(LoopHarness.Options(workerClass), async ctx =>
        {
            await ctx.Response.WriteAsync("first");
            await release.Task.WaitAsync(TimeSpan.FromSeconds(20));
            await ctx.Response.WriteAsync("second");
        });

        using Socket socket = loop.Connect();
        socket.Send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"u8.ToArray());
        string early = LoopHarness.ReadUntil(socket, s => s.Contains("first\r\n", StringComparison.Ordinal));
        early.ShouldContain("\r\nTransfer-Encoding: chunked\r\n");
        early.ShouldEndWith("first\r\n");
        release.SetResult();
        string rest = LoopHarness.ReadToClose(socket);
        rest.ShouldBe("00000006\r\nsecond\r\n0\r\n\r\n");
    }

    [Theory]
    [InlineData(ServingLoopKind.Sync)]
    [InlineData(ServingLoopKind.Gthread)]
    [InlineData(ServingLoopKind.Async)]
    public async Task Response_StartAsync_sends_the_head_before_the_app_writes(ServingLoopKind workerClass)
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var loop = new LoopHarness(LoopHarness.Options(workerClass), async ctx =>
        {
            ctx.Response.Headers["X-Early"] = "1";
            await ctx.Response.StartAsync();
            await release.Task.WaitAsync(TimeSpan.FromSeconds(20));
            await ctx.Response.WriteAsync("late");
        });

        using Socket socket = loop.Connect();
        socket.Send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"u8.ToArray());
        string head = LoopHarness.ReadUntil(socket, s => s.Contains("\r\n\r\n", StringComparison.Ordinal));
        head.ShouldStartWith("HTTP/1.1 200 OK\r\n");
        head.ShouldContain("\r\nX-Early: 1\r\n");
        head.ShouldEndWith("\r\n\r\n");
        release.SetResult();
        LoopHarness.ReadToClose(socket).ShouldBe("00000004\r\nlate\r\n0\r\n\r\n");
    }

    [Fact]
    public async Task Async_class_off_the_poll_threads_sends_a_flush_even_if_the_app_then_blocks()
    {
        // DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=0 is the documented way to run a blocking app on async: the
        // worker then leaves AppsRunOnPollThread off, and a flush must not wait for the app to return.
        using var release = new ManualResetEventSlim();
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        listener.Listen(16);
        using var stop = new CancellationTokenSource();
        HttpServingOptions options = LoopHarness.Options(ServingLoopKind.Async) with { AppsRunOnPollThread = false };
        Task run = HttpServingLoops.Create(options, async ctx =>
        {
            await ctx.Response.WriteAsync("first");
            release.Wait(TimeSpan.FromSeconds(20));
            await ctx.Response.WriteAsync("second");
        }, new RecordingEvents()).RunAsync([listener], stop.Token, CancellationToken.None);
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 10000 };
            socket.Connect((System.Net.IPEndPoint)listener.LocalEndPoint!);
            socket.Send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"u8.ToArray());
            LoopHarness.ReadUntil(socket, s => s.Contains("first\r\n", StringComparison.Ordinal)).ShouldEndWith("first\r\n");
            release.Set();
            LoopHarness.ReadToClose(socket).ShouldBe("00000006\r\nsecond\r\n0\r\n\r\n");
        }
        finally
        {
            release.Set();
            await stop.CancelAsync();
            await run.WaitAsync(TimeSpan.FromSeconds(15));
        }
    }

    [Fact]
    public async Task Held_flushes_and_an_app_resuming_elsewhere_keep_the_body_in_order()
    {
        // The app yields right after a held flush, so the loop's send of the held bytes races the app's
        // continuation appending more: every body must still arrive whole and in order, on one connection.
        await using var loop = new LoopHarness(LoopHarness.Options(ServingLoopKind.Async), async ctx =>
        {
            await ctx.Response.WriteAsync("start;");
            await Task.Yield();
            for (int i = 0; i < 20; i++)
            {
                await ctx.Response.WriteAsync(i + ";");
                if (i % 5 == 0)
                {
                    await Task.Yield();
                }
            }
        });

        string expected = "start;" + string.Concat(Enumerable.Range(0, 20).Select(i => i + ";"));
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        for (int i = 0; i < 300; i++)
        {
            (await client.GetStringAsync($"http://127.0.0.1:{loop.Port}/{i}")).ShouldBe(expected);
        }
    }

    [Fact]
    public async Task A_large_body_flushed_piece_by_piece_without_yielding_arrives_whole()
    {
        byte[] block = new byte[1000];
        for (int i = 0; i < block.Length; i++)
        {
            block[i] = (byte)('a' + (i % 26));
        }

        await using var loop = new LoopHarness(LoopHarness.Options(ServingLoopKind.Async), async ctx =>
        {
            for (int i = 0; i < 2000; i++)
            {
                await ctx.Response.Body.WriteAsync(block);
                await ctx.Response.Body.FlushAsync();
            }
        });

        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        byte[] body = await client.GetByteArrayAsync($"http://127.0.0.1:{loop.Port}/");
        body.Length.ShouldBe(2_000_000);
        body.AsSpan(1_999_000).SequenceEqual(block).ShouldBeTrue();
    }

    [Fact]
    public async Task Response_never_exceeds_content_length()
    {
        await using var loop = new LoopHarness(LoopHarness.Options(ServingLoopKind.Async), async ctx =>
        {
            ctx.Response.ContentLength = 3;
            await ctx.Response.Body.WriteAsync("abcdef"u8.ToArray());
        });
        loop.Exchange("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").ShouldEndWith("Content-Length: 3\r\n\r\nabc");
    }

    [Fact]
    public async Task Expect_100_continue_is_sent_when_the_body_is_read()
    {
        await using var loop = new LoopHarness(LoopHarness.Options(ServingLoopKind.Async), async ctx =>
        {
            string body = await new StreamReader(ctx.Request.Body).ReadToEndAsync();
            await Text(ctx, "got:" + body);
        });
        using Socket socket = loop.Connect();
        socket.Send("POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\nConnection: close\r\n\r\n"u8.ToArray());
        LoopHarness.ReadUntil(socket, s => s.Contains("\r\n\r\n", StringComparison.Ordinal)).ShouldBe("HTTP/1.1 100 Continue\r\n\r\n");
        socket.Send("data"u8.ToArray());
        LoopHarness.ReadToClose(socket).ShouldEndWith("got:data");
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\nExpect: something\r\n\r\n", "HTTP/1.1 417 ")]
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: br, chunked\r\n\r\n", "HTTP/1.1 501 ")]
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx", "HTTP/1.1 400 ")]
    [InlineData("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "HTTP/1.1 400 ")]
    [InlineData("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "HTTP/1.1 400 ")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "HTTP/1.1 400 ")]
    [InlineData("get / HTTP/1.1\r\n\r\n", "HTTP/1.1 400 ")]
    public async Task Malformed_requests_get_gunicorns_status_and_the_worker_lives_on(string request, string status)
    {
        await using var loop = new LoopHarness(LoopHarness.Options(ServingLoopKind.Sync), s_hello);
        loop.Exchange(request).ShouldStartWith(status);
        loop.Exchange("GET /next HTTP/1.1\r\nHost: x\r\n\r\n").ShouldEndWith("hello /next");
    }

    [Fact]
    public async Task Too_many_headers_is_431_and_long_line_is_400()
    {
        await using var loop = new LoopHarness(LoopHarness.Options(ServingLoopKind.Async) with { LimitRequestFields = 3, LimitRequestLine = 50 }, s_hello);
        loop.Exchange("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n").ShouldStartWith("HTTP/1.1 431 ");
        loop.Exchange("GET /" + new string('a', 100) + " HTTP/1.1\r\n\r\n").ShouldStartWith("HTTP/1.1 400 ");
    }

    [Theory]
    [InlineData(ServingLoopKind.Sync)]
    [InlineData(ServingLoopKind.Gthread)]
    public async Task Slowloris_is_cut_off_by_header_read_timeout(ServingLoopKind workerClass)
    {
        await using var loop = new LoopHarness(LoopHarness.Options(workerClass) with { HeaderReadTimeoutSeconds = 1 }, s_hello);
        using Socket slow = loop.Connect();
        slow.Send("GET / HTTP/1.1\r\nHost: x\r\n"u8.ToArray());
        DateTime start = DateTime.UtcNow;
        LoopHarness.ReadToClose(slow).ShouldBe("");
        (DateTime.UtcNow - start).ShouldBeLessThan(TimeSpan.FromSeconds(8));
        loop.Exchange("GET /after HTTP/1.1\r\nHost: x\r\n\r\n").ShouldEndWith("hello /after");
    }

    [Fact]
    public async Task RequestAborted_fires_when_the_client_disconnects()
    {
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var loop = new LoopHarness(LoopHarness.Options(ServingLoopKind.Async), async ctx =>
        {
            ctx.RequestAborted.Register(() => aborted.TrySetResult());
            running.TrySetResult();
            await aborted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        });
        using (Socket socket = loop.Connect())
        {
            socket.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
            await running.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }

        await aborted.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task App_exception_before_start_is_500()
    {
        await using var loop = new LoopHarness(LoopHarness.Options(ServingLoopKind.Gthread), ctx => throw new InvalidOperationException("boom"));
        loop.Exchange("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").ShouldStartWith("HTTP/1.1 500 ");
        loop.Events.Completed.ShouldContain(c => c.Summary.Status == 500 && c.Summary.Error is InvalidOperationException);
    }

    [Fact]
    public async Task Invalid_response_header_value_is_refused()
    {
        await using var loop = new LoopHarness(LoopHarness.Options(ServingLoopKind.Async), ctx =>
        {
            ctx.Response.Headers["X-Bad"] = "a\r\nInjected: yes";
            return Task.CompletedTask;
        });
        string response = loop.Exchange("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        response.ShouldStartWith("HTTP/1.1 500 ");
        response.ShouldNotContain("Injected");
    }

    [Fact]
    public async Task Proxy_protocol_v1_and_v2_set_the_client_address()
    {
        var options = LoopHarness.Options(ServingLoopKind.Async) with { ProxyProtocol = ProxyProtocolMode.Auto };
        await using var loop = new LoopHarness(options, ctx => Text(ctx, "client=" + ctx.Connection.RemoteIpAddress + ":" + ctx.Connection.RemotePort));
        loop.Exchange("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\nGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .ShouldEndWith("client=192.168.0.1:56324");
        byte[] v2 = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, 0x21, 0x11, 0x00, 0x0C, 10, 0, 0, 7, 10, 0, 0, 1, 0x30, 0x39, 0x01, 0xBB];
        loop.Exchange([.. v2, .. "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"u8.ToArray()]).ShouldEndWith("client=10.0.0.7:12345");
        loop.Exchange("PROXY TCP4 nope 192.168.0.11 1 2\r\nGET / HTTP/1.1\r\n\r\n").ShouldStartWith("HTTP/1.1 400 ");
        byte[] badV2 = [.. v2[..12], 0x31, 0x11, 0x00, 0x00];
        loop.Exchange([.. badV2, .. "GET / HTTP/1.1\r\n\r\n"u8.ToArray()]).ShouldStartWith("HTTP/1.1 400 ");
    }

    [Fact]
    public async Task Proxy_protocol_from_a_peer_not_allowed_is_403()
    {
        var options = LoopHarness.Options(ServingLoopKind.Async) with { ProxyProtocol = ProxyProtocolMode.V1, ProxyAllowIps = ["10.9.9.9"] };
        await using var loop = new LoopHarness(options, s_hello);
        loop.Exchange("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\nGET / HTTP/1.1\r\n\r\n").ShouldStartWith("HTTP/1.1 403 ");
    }

    [Fact]
    public async Task Forwarded_scheme_and_ip_only_from_trusted_peers()
    {
        RequestDelegate app = ctx => Text(ctx, ctx.Request.Scheme + " " + ctx.Connection.RemoteIpAddress);
        var headers = new Dictionary<string, string> { ["X-FORWARDED-PROTO"] = "https" };
        const string Request = "GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-Proto: https\r\nX-Forwarded-For: 203.0.113.9\r\nConnection: close\r\n\r\n";
        await using (var trusted = new LoopHarness(LoopHarness.Options(ServingLoopKind.Async) with { SecureSchemeHeaders = headers }, app))
        {
            trusted.Exchange(Request).ShouldEndWith("https 203.0.113.9");
        }

        await using var untrusted = new LoopHarness(LoopHarness.Options(ServingLoopKind.Async) with { SecureSchemeHeaders = headers, ForwardedAllowIps = ["10.0.0.0/8"] }, app);
        untrusted.Exchange(Request).ShouldEndWith("http 127.0.0.1");
    }

    [Fact]
    public async Task Early_hints_are_sent_for_http11_and_ignored_for_http10()
    {
        await using var loop = new LoopHarness(LoopHarness.Options(ServingLoopKind.Async), async ctx =>
        {
            IHttpEarlyHintsFeature hints = ctx.Features.Get<IHttpEarlyHintsFeature>()!;
            bool sent = await hints.SendEarlyHintsAsync([new("Link", "</style.css>; rel=preload")]);
            await Text(ctx, "sent=" + sent);
            (await hints.SendEarlyHintsAsync([new("Link", "</late>")])).ShouldBeFalse();
        });
        string response = loop.Exchange("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        response.ShouldStartWith("HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\nHTTP/1.1 200 OK");
        response.ShouldEndWith("sent=True");
        string old = loop.Exchange("GET / HTTP/1.0\r\n\r\n");
        old.ShouldStartWith("HTTP/1.0 200 OK");
        old.ShouldEndWith("sent=False");
    }

    [Theory]
    [InlineData(ServingLoopKind.Gthread)]
    [InlineData(ServingLoopKind.Async)]
    public async Task Worker_connections_cap_stops_accepting(ServingLoopKind workerClass)
    {
        await using var loop = new LoopHarness(LoopHarness.Options(workerClass) with { WorkerConnections = 1, KeepAliveSeconds = 30 }, s_hello);
        using Socket first = loop.Connect();
        first.Send("GET /1 HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
        LoopHarness.ReadUntil(first, s => s.Contains("hello /1", StringComparison.Ordinal));
        using Socket second = loop.Connect();
        second.ReceiveTimeout = 1500;
        second.Send("GET /2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"u8.ToArray());
        Should.Throw<SocketException>(() => second.Receive(new byte[100]));
        first.Close();
        second.ReceiveTimeout = 10000;
        LoopHarness.ReadToClose(second).ShouldEndWith("hello /2");
    }

    [Fact]
    public async Task Max_requests_closes_and_the_loop_returns()
    {
        var events = new RecordingEvents { AllowRequests = 1 };
        var loop = new LoopHarness(LoopHarness.Options(ServingLoopKind.Async), s_hello, events);
        await using (loop)
        {
            using Socket socket = loop.Connect();
            socket.Send("GET /only HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
            string response = LoopHarness.ReadToClose(socket);
            response.ShouldContain("Connection: close\r\n");
            await loop.Run.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    [Fact]
    public async Task Graceful_stop_returns_and_ticks_happen()
    {
        var loop = new LoopHarness(LoopHarness.Options(ServingLoopKind.Gthread), s_hello);
        await using (loop)
        {
            loop.Exchange("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").ShouldEndWith("hello /");
            await loop.StopAsync();
            loop.Events.Ticks.ShouldBeGreaterThan(0);
        }
    }

    [Fact]
    public async Task Access_log_atoms()
    {
        var events = new RecordingEvents
        {
            Formatter = new AccessLogFormatter("%(h)s %(l)s %(u)s \"%(r)s\" %(m)s %(U)s %(q)s %(H)s %(s)s %(B)s %(b)s %(f)s \"%(a)s\" %(p)s %({x-test}i)s %({x-out}o)s %(zz)s %(T)s %(M)s %(D)s %(L)s %(t)s"),
        };
        await using var loop = new LoopHarness(LoopHarness.Options(ServingLoopKind.Async), async ctx =>
        {
            ctx.Response.Headers["X-Out"] = "out";
            await Text(ctx, "12345");
        }, events);
        loop.Exchange("GET /p?q=1 HTTP/1.1\r\nHost: x\r\nAuthorization: Basic dXNlcjpwdw==\r\nUser-Agent: a \"quoted\" agent\r\nX-Test: in\r\nConnection: close\r\n\r\n");
        string line = events.Completed.Single().AccessLine!;
        line.ShouldStartWith("127.0.0.1 - user \"GET /p?q=1 HTTP/1.1\" GET /p q=1 HTTP/1.1 200 5 5 - \"a \\\"quoted\\\" agent\" <" + Environment.ProcessId + "> in out - 0 ");
        line.ShouldMatch(@" \d+ \d+ \d+\.\d{6} \[\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\]$");
        string json = new AccessLogFormatter(json: true).Format(new DefaultHttpContext(), new RequestSummary(204, 0, TimeSpan.FromMilliseconds(2), "GET / HTTP/1.1", null));
        System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("status").GetInt32().ShouldBe(204);
    }

    [Theory]
    [InlineData(ServingLoopKind.Sync)]
    [InlineData(ServingLoopKind.Gthread)]
    [InlineData(ServingLoopKind.Async)]
    public async Task Graceful_stop_finishes_the_request_in_flight(ServingLoopKind workerClass)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var loop = new LoopHarness(LoopHarness.Options(workerClass), async ctx =>
        {
            started.TrySetResult();
            await release.Task.WaitAsync(TimeSpan.FromSeconds(10));
            await Text(ctx, "finished");
        });
        await using (loop)
        {
            using Socket socket = loop.Connect();
            socket.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
            await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
            Task stop = loop.StopAsync();

            // The loop takes the stop in on its own schedule, which nothing outside it can observe, so the
            // request may end before or after that; either way it must be answered whole and the keep-alive
            // connection must then be closed by the server (ReadToClose returns only at end of stream).
            release.TrySetResult();
            string response = LoopHarness.ReadToClose(socket);
            response.ShouldStartWith("HTTP/1.1 200");
            response.ShouldEndWith("finished");
            await stop.WaitAsync(TimeSpan.FromSeconds(20));
            loop.Run.IsCompleted.ShouldBeTrue();
        }
    }

    [Fact]
    public async Task Immediate_stop_aborts_requests_in_flight()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var loop = new LoopHarness(LoopHarness.Options(ServingLoopKind.Async), async ctx =>
        {
            started.TrySetResult();
            await Task.Delay(TimeSpan.FromSeconds(30), ctx.RequestAborted);
        });
        using Socket socket = loop.Connect();
        socket.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        DateTime begin = DateTime.UtcNow;
        await loop.DisposeAsync();
        loop.Run.IsCompleted.ShouldBeTrue();
        (DateTime.UtcNow - begin).ShouldBeLessThan(TimeSpan.FromSeconds(10));
        LoopHarness.ReadToClose(socket).ShouldBe("");
    }

    [Fact]
    public async Task Forwarded_allow_ips_matches_cidr_networks()
    {
        RequestDelegate app = ctx => Text(ctx, ctx.Request.Scheme);
        var headers = new Dictionary<string, string> { ["X-FORWARDED-PROTO"] = "https" };
        await using var loop = new LoopHarness(LoopHarness.Options(ServingLoopKind.Async) with { SecureSchemeHeaders = headers, ForwardedAllowIps = ["10.0.0.0/8", "127.0.0.0/8"] }, app);
        loop.Exchange("GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-Proto: https\r\nConnection: close\r\n\r\n").ShouldEndWith("https");
        loop.Exchange("GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Ssl: off\r\nConnection: close\r\n\r\n").ShouldEndWith("https");
    }

    [Fact]
    public async Task A_failing_request_starting_hook_answers_500_and_the_worker_lives_on()
    {
        var events = new ThrowingEvents();
        await using var loop = new LoopHarness(LoopHarness.Options(ServingLoopKind.Gthread), s_hello, events);
        loop.Exchange("GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").ShouldStartWith("HTTP/1.1 500 ");
        events.Fail = false;
        loop.Exchange("GET /y HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").ShouldEndWith("hello /y");
    }

    [Fact]
    public async Task Sync_worker_keeps_ticking_while_a_request_runs()
    {
        int ticksAtStart = -1;
        int ticksAtEnd = -1;
        RecordingEvents? events = null;
        events = new RecordingEvents();
        await using var loop = new LoopHarness(LoopHarness.Options(ServingLoopKind.Sync), async ctx =>
        {
            ticksAtStart = events.Ticks;

            // The request stays in the app until the worker has ticked twice meanwhile (or the deadline passes).
            Eventually.Poll(() => events.Ticks - ticksAtStart >= 2, TimeSpan.FromSeconds(30));
            ticksAtEnd = events.Ticks;
            await Text(ctx, "slow");
        }, events);
        loop.Exchange("GET / HTTP/1.1\r\nHost: x\r\n\r\n").ShouldEndWith("slow");
        (ticksAtEnd - ticksAtStart).ShouldBeGreaterThanOrEqualTo(2);
    }

    [Fact]
    public async Task Unread_body_after_expect_100_closes_instead_of_waiting()
    {
        await using var loop = new LoopHarness(LoopHarness.Options(ServingLoopKind.Async), s_hello);
        using Socket socket = loop.Connect();
        socket.Send("POST /e HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n"u8.ToArray());
        string response = LoopHarness.ReadToClose(socket);
        response.ShouldStartWith("HTTP/1.1 200 OK");
        response.ShouldNotContain("100 Continue");
        response.ShouldContain("Connection: close");
    }

    private sealed class ThrowingEvents : IHttpServingEvents
    {
        public volatile bool Fail = true;

        public bool RequestStarting(HttpContext context) => Fail ? throw new InvalidOperationException("pre_request failed") : true;

        public void RequestCompleted(HttpContext context, RequestSummary summary)
        {
            if (Fail)
            {
                throw new InvalidOperationException("post_request failed");
            }
        }

        public void Tick()
        {
        }
    }
}
