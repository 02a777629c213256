using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Unicornet.Hosting.Tests.Support;
using Unicornet.Http.Serving;

namespace Unicornet.Hosting.Tests;

/// <summary>
/// ASP.NET Core apps on unicornet's own engine: a WebApplication whose IServer is the bridge, served by the real
/// sync/gthread/async serving loops on 127.0.0.1:0, driven by HttpClient, ClientWebSocket and raw sockets.
/// </summary>
public sealed class BridgeEngineTests
{
    public static TheoryData<ServingLoopKind> AllClasses => new() { ServingLoopKind.Sync, ServingLoopKind.Gthread, ServingLoopKind.Async };

    public static TheoryData<ServingLoopKind> ConnectionClasses => new() { ServingLoopKind.Gthread, ServingLoopKind.Async };

    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(15);

    [Theory]
    [MemberData(nameof(AllClasses))]
    public async Task Routing_model_binding_and_json(ServingLoopKind workerClass)
    {
        await using BridgedServer server = await BridgedServer.StartAsync(workerClass, app =>
        {
            app.MapGet("/items/{id:int}", (int id, string? tag) => Results.Ok(new { id, tag }));
            app.MapPost("/sum", (SumRequest request) => new { sum = request.Numbers.Sum() });
        });

        HttpResponseMessage item = await server.Client.GetAsync("/items/7?tag=x");
        item.StatusCode.ShouldBe(HttpStatusCode.OK);
        item.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        (await item.Content.ReadAsStringAsync()).ShouldBe("{\"id\":7,\"tag\":\"x\"}");

        (await server.Client.GetAsync("/items/seven")).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        HttpResponseMessage sum = await server.Client.PostAsync("/sum", new StringContent("{\"numbers\":[1,2,3]}", Encoding.UTF8, "application/json"));
        sum.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await sum.Content.ReadAsStringAsync()).ShouldBe("{\"sum\":6}");

        HttpResponseMessage bad = await server.Client.PostAsync("/sum", new StringContent("{not json", Encoding.UTF8, "application/json"));
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Theory]
    [MemberData(nameof(AllClasses))]
    public async Task Static_files_with_range_requests(ServingLoopKind workerClass)
    {
        await using BridgedServer server = await BridgedServer.StartAsync(
            workerClass,
            app => app.UseStaticFiles(),
            prepareContentRoot: root => File.WriteAllText(Path.Combine(root, "wwwroot", "hello.txt"), "0123456789abcdef"));

        HttpResponseMessage whole = await server.Client.GetAsync("/hello.txt");
        whole.StatusCode.ShouldBe(HttpStatusCode.OK);
        whole.Content.Headers.ContentType!.MediaType.ShouldBe("text/plain");
        whole.Content.Headers.ContentLength.ShouldBe(16);
        (await whole.Content.ReadAsStringAsync()).ShouldBe("0123456789abcdef");
        whole.Headers.AcceptRanges.ShouldContain("bytes");

        using var request = new HttpRequestMessage(HttpMethod.Get, "/hello.txt");
        request.Headers.Range = new RangeHeaderValue(2, 5);
        HttpResponseMessage partial = await server.Client.SendAsync(request);
        partial.StatusCode.ShouldBe(HttpStatusCode.PartialContent);
        partial.Content.Headers.ContentRange!.ToString().ShouldBe("bytes 2-5/16");
        (await partial.Content.ReadAsStringAsync()).ShouldBe("2345");

        using var head = new HttpRequestMessage(HttpMethod.Head, "/hello.txt");
        HttpResponseMessage headResponse = await server.Client.SendAsync(head);
        headResponse.StatusCode.ShouldBe(HttpStatusCode.OK);
        headResponse.Content.Headers.ContentLength.ShouldBe(16);
        (await headResponse.Content.ReadAsByteArrayAsync()).ShouldBeEmpty();

        (await server.Client.GetAsync("/missing.txt")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Theory]
    [MemberData(nameof(AllClasses))]
    public async Task Exception_handler_answers_500_and_unhandled_errors_are_500(ServingLoopKind workerClass)
    {
        var completed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using BridgedServer server = await BridgedServer.StartAsync(workerClass, app =>
        {
            app.UseWhen(c => c.Request.Path.StartsWithSegments("/handled"), branch => branch.UseExceptionHandler(errors => errors.Run(async context =>
            {
                IExceptionHandlerFeature? feature = context.Features.Get<IExceptionHandlerFeature>();
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                await context.Response.WriteAsync("handled:" + feature?.Error.Message);
            })));
            app.MapGet("/handled/boom", string () => throw new InvalidOperationException("boom"));
            app.MapGet("/raw/boom", string (HttpContext context) =>
            {
                context.Response.OnCompleted(() =>
                {
                    completed.TrySetResult();
                    return Task.CompletedTask;
                });
                throw new InvalidOperationException("unhandled");
            });
        });

        HttpResponseMessage handled = await server.Client.GetAsync("/handled/boom");
        handled.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        (await handled.Content.ReadAsStringAsync()).ShouldBe("handled:boom");

        HttpResponseMessage raw = await server.Client.GetAsync("/raw/boom");
        raw.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        (await raw.Content.ReadAsStringAsync()).ShouldNotContain("unhandled");

        // OnCompleted still fires for a request that failed.
        await completed.Task.WaitAsync(s_wait);
    }

    [Theory]
    [MemberData(nameof(AllClasses))]
    public async Task Async_enumerable_streams_as_json(ServingLoopKind workerClass)
    {
        await using BridgedServer server = await BridgedServer.StartAsync(workerClass, app => app.MapGet("/numbers", () => Numbers(5)));

        HttpResponseMessage response = await server.Client.GetAsync("/numbers");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldBe("[1,2,3,4,5]");
    }

    [Theory]
    [MemberData(nameof(AllClasses))]
    public async Task Server_sent_events_arrive_before_the_response_ends(ServingLoopKind workerClass)
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using BridgedServer server = await BridgedServer.StartAsync(workerClass, app => app.MapGet("/sse", async (HttpContext context) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("data: one\n\n");
            await context.Response.Body.FlushAsync();
            await release.Task.WaitAsync(TimeSpan.FromSeconds(20));
            await context.Response.WriteAsync("data: two\n\n");
        }));

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using HttpResponseMessage response = await server.Client.GetAsync("/sse", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        await using Stream stream = await response.Content.ReadAsStreamAsync(cts.Token);
        var received = new StringBuilder();
        byte[] buffer = new byte[1024];
        while (!received.ToString().Contains("data: one\n\n", StringComparison.Ordinal))
        {
            int n = await stream.ReadAsync(buffer, cts.Token);
            n.ShouldBeGreaterThan(0, "the stream ended before the first event");
            received.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }

        // The first event arrived while the app is still blocked: it was flushed, not buffered to the end.
        received.ToString().ShouldNotContain("two");
        release.SetResult();
        int read;
        while ((read = await stream.ReadAsync(buffer, cts.Token)) > 0)
        {
            received.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        received.ToString().ShouldBe("data: one\n\ndata: two\n\n");
    }

    [Theory]
    [MemberData(nameof(AllClasses))]
    public async Task Large_bodies_are_read_whole_with_content_length_and_chunked(ServingLoopKind workerClass)
    {
        await using BridgedServer server = await BridgedServer.StartAsync(workerClass, app => app.MapPost("/hash", async (HttpContext context) =>
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            byte[] buffer = new byte[81920];
            long total = 0;
            int n;
            while ((n = await context.Request.Body.ReadAsync(buffer)) > 0)
            {
                hash.AppendData(buffer, 0, n);
                total += n;
            }

            return total + ":" + Convert.ToHexString(hash.GetHashAndReset());
        }));

        byte[] data = new byte[6 * 1024 * 1024 + 123];
        new Random(42).NextBytes(data);
        string expected = data.Length + ":" + Convert.ToHexString(SHA256.HashData(data));

        HttpResponseMessage sized = await server.Client.PostAsync("/hash", new ByteArrayContent(data));
        sized.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await sized.Content.ReadAsStringAsync()).ShouldBe(expected);

        using var chunkedRequest = new HttpRequestMessage(HttpMethod.Post, "/hash") { Content = new StreamContent(new MemoryStream(data)) };
        chunkedRequest.Headers.TransferEncodingChunked = true;
        HttpResponseMessage chunked = await server.Client.SendAsync(chunkedRequest);
        chunked.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await chunked.Content.ReadAsStringAsync()).ShouldBe(expected);
    }

    [Theory]
    [MemberData(nameof(AllClasses))]
    public async Task Max_request_body_size_is_settable_and_enforced_with_413(ServingLoopKind workerClass)
    {
        await using BridgedServer server = await BridgedServer.StartAsync(workerClass, app => app.MapPost("/limited", async (HttpContext context) =>
        {
            IHttpMaxRequestBodySizeFeature feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>()!;
            bool readOnlyBefore = feature.IsReadOnly;
            feature.MaxRequestBodySize = 1000;
            using var copy = new MemoryStream();
            await context.Request.Body.CopyToAsync(copy);
            return copy.Length + ":" + readOnlyBefore + ":" + feature.IsReadOnly;
        }));

        HttpResponseMessage small = await server.Client.PostAsync("/limited", new ByteArrayContent(new byte[500]));
        small.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await small.Content.ReadAsStringAsync()).ShouldBe("500:False:True");

        HttpResponseMessage big = await server.Client.PostAsync("/limited", new ByteArrayContent(new byte[5000]));
        big.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);

        using var chunkedRequest = new HttpRequestMessage(HttpMethod.Post, "/limited") { Content = new StreamContent(new MemoryStream(new byte[5000])) };
        chunkedRequest.Headers.TransferEncodingChunked = true;
        HttpResponseMessage chunked = await server.Client.SendAsync(chunkedRequest);
        chunked.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
    }

    [Theory]
    [MemberData(nameof(AllClasses))]
    public async Task Json_body_binding_over_the_limit_is_413_as_on_kestrel(ServingLoopKind workerClass)
    {
        await using BridgedServer server = await BridgedServer.StartAsync(workerClass, app =>
        {
            app.Use((context, next) =>
            {
                context.Features.Get<IHttpMaxRequestBodySizeFeature>()!.MaxRequestBodySize = 64;
                return next(context);
            });
            app.MapPost("/sum", (SumRequest request) => new { sum = request.Numbers.Sum() });
        });

        HttpResponseMessage small = await server.Client.PostAsync("/sum", new StringContent("{\"numbers\":[1,2]}", Encoding.UTF8, "application/json"));
        (await small.Content.ReadAsStringAsync()).ShouldBe("{\"sum\":3}");

        string big = "{\"numbers\":[" + string.Join(",", Enumerable.Range(1, 200)) + "]}";
        HttpResponseMessage tooBig = await server.Client.PostAsync("/sum", new StringContent(big, Encoding.UTF8, "application/json"));
        tooBig.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Max_request_body_size_default_comes_from_the_options()
    {
        await using BridgedServer server = await BridgedServer.StartAsync(
            ServingLoopKind.Async,
            app => app.MapPost("/echo-length", async (HttpContext context) =>
            {
                using var copy = new MemoryStream();
                await context.Request.Body.CopyToAsync(copy);
                return copy.Length + ":" + context.Features.Get<IHttpMaxRequestBodySizeFeature>()!.MaxRequestBodySize;
            }),
            options: DefaultOptions.Engine with { MaxRequestBodySize = 100 });

        (await (await server.Client.PostAsync("/echo-length", new ByteArrayContent(new byte[100]))).Content.ReadAsStringAsync()).ShouldBe("100:100");
        (await server.Client.PostAsync("/echo-length", new ByteArrayContent(new byte[101]))).StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
    }

    [Theory]
    [MemberData(nameof(AllClasses))]
    public async Task Response_StartAsync_then_writes(ServingLoopKind workerClass)
    {
        await using BridgedServer server = await BridgedServer.StartAsync(workerClass, app => app.MapGet("/started", async (HttpContext context) =>
        {
            context.Response.Headers["X-Early"] = "1";
            await context.Response.StartAsync();
            bool started = context.Response.HasStarted;
            await context.Response.WriteAsync("after-start:" + started);
            await context.Response.WriteAsync(":more");
        }));

        HttpResponseMessage response = await server.Client.GetAsync("/started");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.GetValues("X-Early").ShouldBe(["1"]);
        response.Headers.TransferEncodingChunked.ShouldBe(true);
        (await response.Content.ReadAsStringAsync()).ShouldBe("after-start:True:more");
    }

    [Theory]
    [MemberData(nameof(AllClasses))]
    public async Task Response_trailers_follow_the_last_chunk_on_http11(ServingLoopKind workerClass)
    {
        await using BridgedServer server = await BridgedServer.StartAsync(workerClass, app => app.MapGet("/trailers", async (HttpContext context) =>
        {
            bool supported = context.Response.SupportsTrailers();
            if (supported)
            {
                context.Response.DeclareTrailer("x-checksum");
            }

            await context.Response.WriteAsync("payload:" + supported);
            if (supported)
            {
                context.Response.AppendTrailer("x-checksum", "abc123");
            }
        }));

        HttpResponseMessage response = await server.Client.GetAsync("/trailers");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldBe("payload:True");
        response.Headers.TransferEncodingChunked.ShouldBe(true);
        response.Headers.GetValues("Trailer").ShouldBe(["x-checksum"]);
        response.TrailingHeaders.GetValues("x-checksum").ShouldBe(["abc123"]);

        // HTTP/1.0 has no chunking, so no trailers: the feature is absent and the app sees it.
        using Socket socket = server.Connect();
        socket.Send(Encoding.ASCII.GetBytes("GET /trailers HTTP/1.0\r\nHost: x\r\n\r\n"));
        string raw = ReadToClose(socket);
        raw.ShouldStartWith("HTTP/1.0 200");
        raw.ShouldEndWith("payload:False");
        raw.ShouldNotContain("x-checksum");
    }

    [Theory]
    [MemberData(nameof(ConnectionClasses))]
    public async Task RequestAborted_fires_when_the_client_disconnects(ServingLoopKind workerClass)
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var completed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using BridgedServer server = await BridgedServer.StartAsync(workerClass, app => app.MapGet("/hang", async (HttpContext context) =>
        {
            context.Response.OnCompleted(() =>
            {
                completed.TrySetResult();
                return Task.CompletedTask;
            });
            entered.TrySetResult();
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                aborted.TrySetResult();
                throw;
            }
        }));

        using (Socket socket = server.Connect())
        {
            socket.Send(Encoding.ASCII.GetBytes("GET /hang HTTP/1.1\r\nHost: x\r\n\r\n"));
            await entered.Task.WaitAsync(s_wait);
            socket.Close();
        }

        await aborted.Task.WaitAsync(s_wait);
        await completed.Task.WaitAsync(s_wait);
    }

    [Fact]
    public async Task WebSocket_echo_on_the_async_class()
    {
        await using BridgedServer server = await BridgedServer.StartAsync(ServingLoopKind.Async, MapWebSocketEcho);

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var client = new ClientWebSocket();
        await client.ConnectAsync(new Uri($"ws://127.0.0.1:{server.Port}/ws"), cts.Token);
        client.State.ShouldBe(WebSocketState.Open);

        foreach (string message in new[] { "hello", new string('x', 100_000), "bye" })
        {
            await client.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, endOfMessage: true, cts.Token);
            (await ReceiveTextAsync(client, cts.Token)).ShouldBe(message);
        }

        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", cts.Token);
        client.State.ShouldBe(WebSocketState.Closed);
        client.CloseStatus.ShouldBe(WebSocketCloseStatus.NormalClosure);

        // A plain request on the same server still works after the upgraded connection closed.
        (await server.Client.GetStringAsync("/ws", cts.Token)).ShouldBe("not a websocket request");
    }

    [Fact]
    public async Task WebSocket_echo_over_tls_on_the_async_class()
    {
        using X509Certificate2 certificate = CreateCertificate();
        await using BridgedServer server = await BridgedServer.StartAsync(
            ServingLoopKind.Async,
            MapWebSocketEcho,
            options: DefaultOptions.Engine with { Tls = new Unicornet.Http.Tls.TlsServer(new SslServerAuthenticationOptions { ServerCertificate = certificate }) });

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var client = new ClientWebSocket();
        client.Options.RemoteCertificateValidationCallback = (_, presented, _, _) =>
            presented is not null && presented.GetCertHashString() == certificate.GetCertHashString();
        await client.ConnectAsync(new Uri($"wss://127.0.0.1:{server.Port}/ws"), cts.Token);
        string message = new('s', 50_000);
        await client.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, endOfMessage: true, cts.Token);
        (await ReceiveTextAsync(client, cts.Token)).ShouldBe(message);
        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", cts.Token);
        client.State.ShouldBe(WebSocketState.Closed);
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using X509Certificate2 self = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(self.Export(X509ContentType.Pkcs12), null);
    }

    [Theory]
    [InlineData(ServingLoopKind.Sync)]
    [InlineData(ServingLoopKind.Gthread)]
    public async Task WebSocket_requests_are_not_upgraded_on_blocking_classes(ServingLoopKind workerClass)
    {
        await using BridgedServer server = await BridgedServer.StartAsync(workerClass, MapWebSocketEcho);

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var client = new ClientWebSocket();
        await Should.ThrowAsync<WebSocketException>(() => client.ConnectAsync(new Uri($"ws://127.0.0.1:{server.Port}/ws"), cts.Token));
    }

    [Theory]
    [MemberData(nameof(AllClasses))]
    public async Task CanHaveBody_reflects_the_request(ServingLoopKind workerClass)
    {
        await using BridgedServer server = await BridgedServer.StartAsync(workerClass, app =>
            app.MapMethods("/body", ["GET", "POST"], (HttpContext context) => context.Features.Get<IHttpRequestBodyDetectionFeature>()!.CanHaveBody ? "yes" : "no"));

        (await server.Client.GetStringAsync("/body")).ShouldBe("no");
        HttpResponseMessage post = await server.Client.PostAsync("/body", new StringContent("abc"));
        (await post.Content.ReadAsStringAsync()).ShouldBe("yes");
    }

    [Theory]
    [MemberData(nameof(AllClasses))]
    public async Task Synchronous_io_is_refused_unless_allowed(ServingLoopKind workerClass)
    {
        await using BridgedServer server = await BridgedServer.StartAsync(workerClass, app =>
        {
            app.MapGet("/sync-default", (HttpContext context) =>
            {
                try
                {
                    context.Response.Body.Write("x"u8);
                    return "wrote";
                }
                catch (InvalidOperationException)
                {
                    return "threw:" + context.Features.Get<IHttpBodyControlFeature>()!.AllowSynchronousIO;
                }
            });
            app.MapPost("/sync-allowed", (HttpContext context) =>
            {
                context.Features.Get<IHttpBodyControlFeature>()!.AllowSynchronousIO = true;
                using var reader = new StreamReader(context.Request.Body, leaveOpen: true);
                string body = reader.ReadToEnd();
                context.Response.Body.Write(Encoding.ASCII.GetBytes("sync:" + body));
                context.Response.Body.Flush();
                return Task.CompletedTask;
            });
        });

        (await server.Client.GetStringAsync("/sync-default")).ShouldBe("threw:False");
        HttpResponseMessage allowed = await server.Client.PostAsync("/sync-allowed", new StringContent("abc"));
        (await allowed.Content.ReadAsStringAsync()).ShouldBe("sync:abc");
    }

    [Theory]
    [MemberData(nameof(AllClasses))]
    public async Task OnCompleted_runs_in_reverse_order_after_the_response(ServingLoopKind workerClass)
    {
        var order = new ConcurrentQueue<string>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using BridgedServer server = await BridgedServer.StartAsync(workerClass, app => app.MapGet("/callbacks", (HttpContext context) =>
        {
            context.Response.OnCompleted(() =>
            {
                order.Enqueue("first:" + context.Response.HasStarted);
                done.TrySetResult();
                return Task.CompletedTask;
            });
            context.Response.OnCompleted(() =>
            {
                order.Enqueue("second:" + context.Response.HasStarted);
                return Task.CompletedTask;
            });
            return "ok";
        }));

        (await server.Client.GetStringAsync("/callbacks")).ShouldBe("ok");
        await done.Task.WaitAsync(s_wait);
        order.ToArray().ShouldBe(["second:True", "first:True"]);
    }

    internal static void MapWebSocketEcho(WebApplication app)
    {
        app.UseWebSockets();
        app.Map("/ws", async (HttpContext context) =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                await context.Response.WriteAsync("not a websocket request");
                return;
            }

            using WebSocket socket = await context.WebSockets.AcceptWebSocketAsync();
            byte[] buffer = new byte[16 * 1024];
            while (true)
            {
                WebSocketReceiveResult result = await socket.ReceiveAsync(buffer, context.RequestAborted);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                    return;
                }

                await socket.SendAsync(buffer.AsMemory(0, result.Count), result.MessageType, result.EndOfMessage, context.RequestAborted);
            }
        });
    }

    private static async Task<string> ReceiveTextAsync(ClientWebSocket client, CancellationToken cancellationToken)
    {
        using var message = new MemoryStream();
        byte[] buffer = new byte[8192];
        while (true)
        {
            WebSocketReceiveResult result = await client.ReceiveAsync(buffer, cancellationToken);
            result.MessageType.ShouldBe(WebSocketMessageType.Text);
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return Encoding.UTF8.GetString(message.ToArray());
            }
        }
    }

    private static string ReadToClose(Socket socket)
    {
        var received = new MemoryStream();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = socket.Receive(buffer)) > 0)
        {
            received.Write(buffer, 0, n);
        }

        return Encoding.Latin1.GetString(received.ToArray());
    }

    private static async IAsyncEnumerable<int> Numbers(int count)
    {
        for (int i = 1; i <= count; i++)
        {
            // A stream whose items arrive over time is what the test sends.
            await Task.Delay(5);
            yield return i;
        }
    }

    internal sealed record SumRequest(int[] Numbers);
}
