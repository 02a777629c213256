using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Unicornet.IntegrationTests.Support;

namespace Unicornet.IntegrationTests.Serving;

/// <summary>
/// The proxy settings (forwarded_allow_ips, secure_scheme_headers, forwarder_headers, header_map, root_path) × the four
/// worker classes: the same raw requests from 127.0.0.1 must reach the test app's echo route as the same request on
/// every class, and the same requests must be refused everywhere. One server per class and configuration.
/// </summary>
public sealed class ForwardedHeadersMatrixTests
{
    public static TheoryData<string> WorkerClasses => new() { "sync", "gthread", "async", "kestrel" };

    private static Task<ServerProcess> Start(string workerClass, params string[] extra) =>
        ServerProcess.StartAsync(["-k", workerClass, "-w", "1", "--threads", "2", "--no-control-socket", .. extra, ServerProcess.TestAppPath + ":App.Invoke"]);

    [Theory]
    [MemberData(nameof(WorkerClasses))]
    public async Task A_trusted_proxy_sets_scheme_client_and_forwarder_headers_and_root_path_goes_to_PathBase(string workerClass)
    {
        // 127.0.0.1 is in the default forwarded_allow_ips; header_map is the default (drop).
        await using ServerProcess server = await Start(workerClass, "--root-path", "/mnt/");

        (int status, JsonObject? seen) = Send(server, "GET /mnt/echo/a?q=1 HTTP/1.1",
            "X-Forwarded-Proto: https", "X-Forwarded-For: 192.0.2.7, 10.1.2.3", "X_Under: dropped", "SCRIPT_NAME: /kept", "X-Custom: c");
        status.ShouldBe(200, server.Output);
        seen!["scheme"]!.GetValue<string>().ShouldBe("https", workerClass);
        seen["remote"]!.GetValue<string>().ShouldBe("10.1.2.3", workerClass);
        seen["pathBase"]!.GetValue<string>().ShouldBe("/mnt", workerClass);
        seen["path"]!.GetValue<string>().ShouldBe("/echo/a", workerClass);
        seen["query"]!.GetValue<string>().ShouldBe("?q=1", workerClass);
        HeaderNames(seen).ShouldBe(["connection", "host", "script_name", "x-custom", "x-forwarded-for", "x-forwarded-proto"], workerClass);
        seen["headers"]!["script_name"]!.GetValue<string>().ShouldBe("/kept");

        // X-Forwarded-Ssl: on is https too; a path outside root_path keeps an empty PathBase.
        (status, seen) = Send(server, "GET /echo/b HTTP/1.1", "X-Forwarded-Ssl: on");
        status.ShouldBe(200, server.Output);
        seen!["scheme"]!.GetValue<string>().ShouldBe("https", workerClass);
        seen["remote"]!.GetValue<string>().ShouldBe("127.0.0.1", workerClass);
        seen["pathBase"]!.GetValue<string>().ShouldBe("", workerClass);
        seen["path"]!.GetValue<string>().ShouldBe("/echo/b", workerClass);

        // Scheme headers that disagree are refused before the app, and the worker serves on.
        (status, _) = Send(server, "GET /echo/c HTTP/1.1", "X-Forwarded-Proto: https", "X-Forwarded-Ssl: off");
        status.ShouldBe(400, workerClass);
        (status, seen) = Send(server, "GET /echo/d HTTP/1.1", "X-Forwarded-Proto: http");
        status.ShouldBe(200, server.Output);
        seen!["scheme"]!.GetValue<string>().ShouldBe("http", workerClass);
    }

    [Theory]
    [MemberData(nameof(WorkerClasses))]
    public async Task An_untrusted_peer_forwarded_headers_are_ignored_and_header_map_refuse_gives_400(string workerClass)
    {
        await using ServerProcess server = await Start(workerClass, "--forwarded-allow-ips", "10.9.9.0/24", "--header-map", "refuse");

        (int status, JsonObject? seen) = Send(server, "GET /echo/a HTTP/1.1", "X-Forwarded-Proto: https", "X-Forwarded-For: 10.1.2.3", "X-Forwarded-Ssl: on");
        status.ShouldBe(200, server.Output);
        seen!["scheme"]!.GetValue<string>().ShouldBe("http", workerClass);
        seen["remote"]!.GetValue<string>().ShouldBe("127.0.0.1", workerClass);
        seen["pathBase"]!.GetValue<string>().ShouldBe("", workerClass);
        HeaderNames(seen).ShouldBe(["connection", "host", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-ssl"], workerClass);

        // Untrusted, even a forwarder header with an underscore is refused; so is any other.
        (status, _) = Send(server, "GET /echo/b HTTP/1.1", "SCRIPT_NAME: /x");
        status.ShouldBe(400, workerClass);
        (status, _) = Send(server, "GET /echo/c HTTP/1.1", "X_Under: v");
        status.ShouldBe(400, workerClass);
        (status, seen) = Send(server, "GET /echo/d HTTP/1.1", "X-Custom: c");
        status.ShouldBe(200, server.Output);
        seen!["headers"]!["x-custom"]!.GetValue<string>().ShouldBe("c");
    }

    [Theory]
    [MemberData(nameof(WorkerClasses))]
    public async Task Header_map_dangerous_keeps_underscore_headers(string workerClass)
    {
        await using ServerProcess server = await Start(workerClass, "--header-map", "dangerous");
        (int status, JsonObject? seen) = Send(server, "GET /echo/a HTTP/1.1", "X_Under: v");
        status.ShouldBe(200, server.Output);
        seen!["headers"]!["x_under"]!.GetValue<string>().ShouldBe("v", workerClass);
    }

    private static string[] HeaderNames(JsonObject seen) => [.. seen["headers"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal)];

    /// <summary>One raw HTTP/1.1 request with Connection: close; the status and, for a 200, the echoed JSON.</summary>
    private static (int Status, JsonObject? Seen) Send(ServerProcess server, string requestLine, params string[] headers)
    {
        var request = new StringBuilder(requestLine).Append("\r\nHost: t\r\nConnection: close\r\n");
        foreach (string header in headers)
        {
            request.Append(header).Append("\r\n");
        }

        request.Append("\r\n");
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 20000, SendTimeout = 20000 };
        socket.Connect(IPAddress.Loopback, server.Port);
        socket.Send(Encoding.Latin1.GetBytes(request.ToString()));
        string response = ServerProcess.ReadToClose(socket);
        response.ShouldStartWith("HTTP/1.1 ", customMessage: response);
        int status = int.Parse(response.AsSpan(9, 3), CultureInfo.InvariantCulture);
        if (status != 200)
        {
            return (status, null);
        }

        string body = response[(response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
        body.ShouldStartWith("{", customMessage: "not the echo route's answer: " + response);
        return (status, JsonNode.Parse(body)!.AsObject());
    }
}
