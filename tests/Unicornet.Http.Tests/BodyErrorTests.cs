using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Unicornet.Http.Serving;

namespace Unicornet.Http.Tests;

public sealed class BodyErrorTests
{
    private static readonly RequestDelegate s_echo = async ctx =>
    {
        string body = await new StreamReader(ctx.Request.Body).ReadToEndAsync();
        byte[] bytes = Encoding.ASCII.GetBytes("got:" + body);
        ctx.Response.ContentLength = bytes.Length;
        await ctx.Response.Body.WriteAsync(bytes);
    };

    private static HttpServingOptions Options => DefaultServingOptions.Value with { Loop = ServingLoopKind.Async, KeepAliveSeconds = 5 };

    [Fact]
    public async Task Bad_chunk_size_closes_without_a_response_like_gunicorn()
    {
        await using var loop = new LoopHarness(Options, s_echo);
        loop.Exchange("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n+5\r\nhello\r\n0\r\n\r\n").ShouldBe("");
        loop.Exchange("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").ShouldEndWith("got:");
    }

    [Fact]
    public async Task Forbidden_trailer_is_400()
    {
        await using var loop = new LoopHarness(Options, s_echo);
        loop.Exchange("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nContent-Length: 5\r\n\r\n").ShouldStartWith("HTTP/1.1 400 ");
    }

    [Fact]
    public async Task Max_request_body_size_is_413()
    {
        await using var loop = new LoopHarness(Options, ctx =>
        {
            ctx.Features.Get<IHttpMaxRequestBodySizeFeature>()!.MaxRequestBodySize = 3;
            return s_echo(ctx);
        });
        string response = loop.Exchange("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n0123456789");
        response.ShouldStartWith("HTTP/1.1 413 ");
        response.ShouldContain("Connection: close");
    }

    [Fact]
    public async Task Unread_body_is_drained_before_the_next_keep_alive_request()
    {
        await using var loop = new LoopHarness(Options, ctx =>
        {
            byte[] bytes = Encoding.ASCII.GetBytes("path:" + ctx.Request.Path);
            ctx.Response.ContentLength = bytes.Length;
            return ctx.Response.Body.WriteAsync(bytes).AsTask();
        });
        using Socket socket = loop.Connect();
        socket.Send("POST /1 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloGET /2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"u8.ToArray());
        string both = LoopHarness.ReadToClose(socket);
        both.ShouldContain("path:/1");
        both.ShouldEndWith("path:/2");
    }

    [Fact]
    public async Task Unix_socket_peers_are_trusted_for_forwarded_headers()
    {
        string dir = Directory.CreateTempSubdirectory("unicornet-http-").FullName;
        string path = Path.Combine(dir, "s.sock");
        try
        {
            using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(new UnixDomainSocketEndPoint(path));
            listener.Listen(16);
            using var graceful = new CancellationTokenSource();
            var options = Options with
            {
                ForwardedAllowIps = ["10.1.1.1"],
                SecureSchemeHeaders = new Dictionary<string, string> { ["X-FORWARDED-PROTO"] = "https" },
            };
            Task run = HttpServingLoops.Create(options, ctx =>
            {
                byte[] bytes = Encoding.ASCII.GetBytes(ctx.Request.Scheme);
                ctx.Response.ContentLength = bytes.Length;
                return ctx.Response.Body.WriteAsync(bytes).AsTask();
            }, new RecordingEvents()).RunAsync([listener], graceful.Token, CancellationToken.None);
            using (var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) { ReceiveTimeout = 10000 })
            {
                client.Connect(new UnixDomainSocketEndPoint(path));
                client.Send("GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-Proto: https\r\nConnection: close\r\n\r\n"u8.ToArray());
                LoopHarness.ReadToClose(client).ShouldEndWith("https");
            }

            await graceful.CancelAsync();
            await run.WaitAsync(TimeSpan.FromSeconds(15));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
