using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Unicornet.Http.Serving;

namespace Unicornet.Http.Tests;

/// <summary>protocol = "uwsgi" on the engine's loops: raw packets in, HTTP/1.1 responses out.</summary>
public sealed class UwsgiTests
{
    private static HttpServingOptions Uwsgi(ServingLoopKind workerClass) => LoopHarness.Options(workerClass) with { Protocol = WireProtocol.Uwsgi, UwsgiAllowIps = ["127.0.0.0/8"] };

    /// <summary>Echoes what the app sees as JSON.</summary>
    private static async Task Echo(HttpContext ctx)
    {
        var body = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(body);
        var seen = new Dictionary<string, object?>
        {
            ["method"] = ctx.Request.Method,
            ["scheme"] = ctx.Request.Scheme,
            ["pathBase"] = ctx.Request.PathBase.Value,
            ["path"] = ctx.Request.Path.Value,
            ["query"] = ctx.Request.QueryString.Value,
            ["protocol"] = ctx.Request.Protocol,
            ["remote"] = ctx.Connection.RemoteIpAddress?.ToString(),
            ["remotePort"] = ctx.Connection.RemotePort,
            ["localPort"] = ctx.Connection.LocalPort,
            ["bodyLength"] = body.Length,
            ["headers"] = ctx.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString()),
            ["hints"] = ctx.Features.Get<IHttpEarlyHintsFeature>() is { } hints && await hints.SendEarlyHintsAsync([new("Link", "</a.css>")], default),
        };
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(seen);
        ctx.Response.ContentType = "application/json";
        ctx.Response.ContentLength = json.Length;
        await ctx.Response.Body.WriteAsync(json);
    }

    private static (string Head, JsonElement Json) Split(string response)
    {
        int end = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        end.ShouldBeGreaterThan(0, response);
        return (response[..end], JsonDocument.Parse(response[(end + 4)..]).RootElement);
    }

    [Theory]
    [InlineData(ServingLoopKind.Sync)]
    [InlineData(ServingLoopKind.Gthread)]
    [InlineData(ServingLoopKind.Async)]
    public async Task A_packet_becomes_the_request_an_HTTP_client_would_make(ServingLoopKind workerClass)
    {
        await using var loop = new LoopHarness(Uwsgi(workerClass), Echo);
        byte[] body = Encoding.ASCII.GetBytes("hello=world");
        byte[] packet = UwsgiPacket.Build(
        [
            new("REQUEST_METHOD", "POST"), new("REQUEST_URI", "/app/a%20b%2Fc?x=1&y=%C3%A9"), new("PATH_INFO", "/app/a b/c"),
            new("QUERY_STRING", "x=1&y=%C3%A9"), new("SCRIPT_NAME", "/app"), new("HTTPS", "on"), new("REQUEST_SCHEME", "http"),
            new("REMOTE_ADDR", "10.1.2.3"), new("REMOTE_PORT", "4567"), new("SERVER_PORT", "8443"),
            new("CONTENT_TYPE", "application/x-www-form-urlencoded"), new("CONTENT_LENGTH", body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("HTTP_HOST", "example.com"), new("HTTP_X_CUSTOM_THING", "v1"), new("HTTP_CONNECTION", "close"), new("HTTP_TRANSFER_ENCODING", "chunked"),
            new("HTTP_CONTENT_LENGTH", "11"), new("HTTP_CONTENT_TYPE", "application/x-www-form-urlencoded"),
        ], body);
        (string head, JsonElement json) = Split(loop.Exchange(packet));
        head.ShouldStartWith("HTTP/1.1 200 OK\r\n");
        json.GetProperty("method").GetString().ShouldBe("POST");
        json.GetProperty("scheme").GetString().ShouldBe("https");
        json.GetProperty("pathBase").GetString().ShouldBe("/app");
        json.GetProperty("path").GetString().ShouldBe("/a b%2Fc");
        json.GetProperty("query").GetString().ShouldBe("?x=1&y=%C3%A9");
        json.GetProperty("protocol").GetString().ShouldBe("HTTP/1.1");
        json.GetProperty("remote").GetString().ShouldBe("10.1.2.3");
        json.GetProperty("remotePort").GetInt32().ShouldBe(4567);
        json.GetProperty("localPort").GetInt32().ShouldBe(8443);
        json.GetProperty("bodyLength").GetInt64().ShouldBe(body.Length);
        json.GetProperty("hints").GetBoolean().ShouldBeFalse();
        JsonElement headers = json.GetProperty("headers");
        headers.GetProperty("Host").GetString().ShouldBe("example.com");
        headers.GetProperty("X-Custom-Thing").GetString().ShouldBe("v1");
        headers.GetProperty("Content-Type").GetString().ShouldBe("application/x-www-form-urlencoded");
        headers.GetProperty("Content-Length").GetString().ShouldBe("11");
        headers.TryGetProperty("Connection", out _).ShouldBeFalse();
        headers.TryGetProperty("Transfer-Encoding", out _).ShouldBeFalse();
    }

    [Theory]
    [InlineData(ServingLoopKind.Gthread)]
    [InlineData(ServingLoopKind.Async)]
    public async Task A_response_without_a_length_is_delimited_by_the_close_never_chunked(ServingLoopKind workerClass)
    {
        await using var loop = new LoopHarness(Uwsgi(workerClass), async ctx =>
        {
            await ctx.Response.WriteAsync("part one ");
            await ctx.Response.Body.FlushAsync();
            await ctx.Response.WriteAsync("part two");
        });
        string response = loop.Exchange(UwsgiPacket.Request("GET", "/"));
        response.ShouldStartWith("HTTP/1.1 200 OK\r\n");
        response.ShouldNotContain("chunked");
        response.ShouldContain("Connection: close\r\n");
        response.ShouldEndWith("\r\n\r\npart one part two");
    }

    [Theory]
    [InlineData(ServingLoopKind.Gthread)]
    [InlineData(ServingLoopKind.Async)]
    public async Task A_peer_that_keeps_the_connection_open_may_send_another_packet(ServingLoopKind workerClass)
    {
        await using var loop = new LoopHarness(Uwsgi(workerClass), ctx =>
        {
            ctx.Response.ContentLength = 5;
            return ctx.Response.WriteAsync("ok " + ctx.Request.Path);
        });
        using Socket socket = loop.Connect();
        socket.Send(UwsgiPacket.Request("GET", "/1"));
        LoopHarness.ReadUntil(socket, s => s.EndsWith("ok /1", StringComparison.Ordinal)).ShouldNotContain("Connection: close");
        socket.Send(UwsgiPacket.Request("GET", "/2", ("HTTP_CONNECTION", "close")));
        LoopHarness.ReadToClose(socket).ShouldEndWith("ok /2");
    }

    public static TheoryData<string, byte[], string> Malformed() => new()
    {
        { "truncated header", [0, 10], "400" },
        { "vars longer than the block", [0, 6, 0, 0, 5, 0, (byte)'A', (byte)'B', 0, 0], "400" },
        { "var value cut off", [0, 6, 0, 0, 1, 0, (byte)'A', 9, 0, (byte)'x'], "400" },
        { "block cut short by the peer", [0, 200, 0, 0, 1, 0, (byte)'A'], "400" },
        { "modifier1 not 0", UwsgiPacket.Build([new("REQUEST_METHOD", "GET")], modifier1: 5), "501" },
        { "an HTTP request on a uWSGI socket", Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), "501" },
        { "a name that is not a token", UwsgiPacket.Build([new("BAD NAME", "x")]), "400" },
        { "a control byte in a header", UwsgiPacket.Build([new("HTTP_X_A", "a\nb")]), "400" },
        { "two methods", UwsgiPacket.Build([new("REQUEST_METHOD", "GET"), new("REQUEST_METHOD", "POST")]), "400" },
        { "a bad CONTENT_LENGTH", UwsgiPacket.Build([new("CONTENT_LENGTH", "12x")]), "400" },
        { "a REQUEST_URI that is no target", UwsgiPacket.Build([new("REQUEST_URI", "http://x/ y")]), "400" },
        { "more header vars than limit_request_fields", UwsgiPacket.Build(Enumerable.Range(0, 101).Select(i => new KeyValuePair<string, string>("HTTP_X_" + i, "v"))), "431" },
        { "a var longer than limit_request_field_size", UwsgiPacket.Build([new("HTTP_X_BIG", new string('a', 8200))]), "431" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task A_malformed_packet_gets_its_status_and_the_loop_serves_on(string what, byte[] packet, string status)
    {
        foreach (ServingLoopKind workerClass in new[] { ServingLoopKind.Sync, ServingLoopKind.Gthread, ServingLoopKind.Async })
        {
            await using var loop = new LoopHarness(Uwsgi(workerClass), ctx => ctx.Response.WriteAsync("fine"));
            string response;
            using (Socket socket = loop.Connect())
            {
                socket.Send(packet);
                socket.Shutdown(SocketShutdown.Send);
                response = LoopHarness.ReadToClose(socket);
            }

            response.ShouldStartWith("HTTP/1.1 " + status + " ", customMessage: workerClass + ": " + what);
            loop.Exchange(UwsgiPacket.Request("GET", "/")).ShouldEndWith("fine", customMessage: workerClass + " after " + what);
        }
    }

    [Fact]
    public async Task A_block_larger_than_the_limits_allow_is_refused_from_its_header()
    {
        await using var loop = new LoopHarness(Uwsgi(ServingLoopKind.Async) with { LimitRequestFields = 2, LimitRequestFieldSize = 100 }, ctx => ctx.Response.WriteAsync("fine"));
        using Socket socket = loop.Connect();

        // Only the header: the size alone is judged, the server does not wait for the 65535 bytes it announces.
        socket.Send([0, 0xFF, 0xFF, 0]);
        LoopHarness.ReadToClose(socket).ShouldStartWith("HTTP/1.1 431 ");
    }

    [Fact]
    public async Task A_peer_outside_uwsgi_allow_ips_gets_403()
    {
        await using var loop = new LoopHarness(LoopHarness.Options(ServingLoopKind.Gthread) with { Protocol = WireProtocol.Uwsgi, UwsgiAllowIps = ["10.0.0.0/8", "192.168.1.1"] }, ctx => ctx.Response.WriteAsync("fine"));
        loop.Exchange(UwsgiPacket.Request("GET", "/")).ShouldStartWith("HTTP/1.1 403 ");
    }

    [Fact]
    public async Task A_peer_inside_a_uwsgi_allow_ips_network_is_served()
    {
        await using var loop = new LoopHarness(LoopHarness.Options(ServingLoopKind.Async) with { Protocol = WireProtocol.Uwsgi, UwsgiAllowIps = ["127.0.0.0/30"] }, ctx => ctx.Response.WriteAsync("fine"));
        loop.Exchange(UwsgiPacket.Request("GET", "/")).ShouldEndWith("fine");
    }

    [Fact]
    public async Task Without_REQUEST_URI_the_path_is_SCRIPT_NAME_and_PATH_INFO_as_given()
    {
        await using var loop = new LoopHarness(Uwsgi(ServingLoopKind.Async), Echo);
        (_, JsonElement json) = Split(loop.Exchange(UwsgiPacket.Build([new("SCRIPT_NAME", "/mnt"), new("PATH_INFO", "/x%41 y"), new("QUERY_STRING", "q=1")])));
        json.GetProperty("method").GetString().ShouldBe("GET");
        json.GetProperty("pathBase").GetString().ShouldBe("/mnt");
        json.GetProperty("path").GetString().ShouldBe("/x%41 y");
        json.GetProperty("query").GetString().ShouldBe("?q=1");
        json.GetProperty("scheme").GetString().ShouldBe("http");
    }

    [Fact]
    public async Task A_body_over_MaxRequestBodySize_gets_413()
    {
        await using var loop = new LoopHarness(Uwsgi(ServingLoopKind.Gthread) with { MaxRequestBodySize = 10 }, Echo);
        byte[] body = new byte[100];
        string response = loop.Exchange(UwsgiPacket.Build([new("REQUEST_METHOD", "POST"), new("CONTENT_LENGTH", "100")], body));
        response.ShouldStartWith("HTTP/1.1 413 ");
    }
}
