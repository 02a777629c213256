using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Unicornet.IntegrationTests.Support;

namespace Unicornet.IntegrationTests.Serving;

/// <summary>
/// The same malformed requests × the four worker classes, over raw sockets: each gets the same status on every class
/// (the engine parser's, which the kestrel class applies before its app), and the worker answers a good request after
/// it. The few requests Kestrel's own parser answers differently before any unicornet code runs are listed apart.
/// </summary>
public sealed class MalformedRequestMatrixTests
{
    public static TheoryData<string> WorkerClasses => new() { "sync", "gthread", "async", "kestrel" };

    /// <summary>The classes that serve a second request on a connection (sync closes after each, as gunicorn's does).</summary>
    public static TheoryData<string> KeepAliveClasses => new() { "gthread", "async", "kestrel" };

    /// <summary>Request (without its Host line and end of head) → the status every class gives.</summary>
    private static readonly (string Name, string Head, string Body, int Status)[] s_same =
    [
        ("CTL in a value", "GET /peer HTTP/1.1\r\nX-A: a\u0001b", "", 400),
        ("DEL in a value", "GET /peer HTTP/1.1\r\nX-A: a\u007fb", "", 400),
        ("NUL in a value", "GET /peer HTTP/1.1\r\nX-A: a\0b", "", 400),
        ("bare CR in a value", "GET /peer HTTP/1.1\r\nX-A: a\rb", "", 400),
        ("[ ] in a name", "GET /peer HTTP/1.1\r\nX[A]: v", "", 400),
        ("@ in a name", "GET /peer HTTP/1.1\r\nX@A: v", "", 400),
        ("quote in a name", "GET /peer HTTP/1.1\r\nX\"A: v", "", 400),
        ("space before the colon", "GET /peer HTTP/1.1\r\nX-A : v", "", 400),
        ("empty name", "GET /peer HTTP/1.1\r\n: v", "", 400),
        ("obsolete folding", "GET /peer HTTP/1.1\r\nX-A: v\r\n w", "", 400),
        ("lower-case method", "get /peer HTTP/1.1", "", 400),
        ("two-letter method", "GE /peer HTTP/1.1", "", 400),
        ("21-letter method", "ABCDEFGHIJKLMNOPQRSTU /peer HTTP/1.1", "", 400),
        ("# in the method", "GE#T /peer HTTP/1.1", "", 400),
        ("two Content-Type", "GET /peer HTTP/1.1\r\nContent-Type: a/b\r\nContent-Type: c/d", "", 400),
        ("two Host", "GET /peer HTTP/1.1\r\nHost: u", "", 400),
        ("Expect other than 100-continue", "GET /peer HTTP/1.1\r\nExpect: 200-ok", "", 417),
        ("unknown transfer coding", "POST /peer HTTP/1.1\r\nTransfer-Encoding: foo, chunked", "0\r\n\r\n", 501),
        ("chunked twice", "POST /peer HTTP/1.1\r\nTransfer-Encoding: chunked, chunked", "0\r\n\r\n", 400),
        ("chunked on HTTP/1.0", "POST /peer HTTP/1.0\r\nTransfer-Encoding: chunked", "0\r\n\r\n", 400),
        ("Content-Length list", "POST /peer HTTP/1.1\r\nContent-Length: 1, 1", "x", 400),
        ("two Content-Length", "POST /peer HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1", "x", 400),
        ("chunked with Content-Length", "POST /peer HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked", "0\r\n\r\n", 400),
        ("signed Content-Length", "POST /peer HTTP/1.1\r\nContent-Length: +1", "x", 400),
        ("HTTP/2.0 request line", "GET /peer HTTP/2.0", "", 400),
        ("* for GET", "GET * HTTP/1.1", "", 400),
        ("authority-form for GET", "GET t:80 HTTP/1.1", "", 400),
        ("field over limit_request_field_size", "GET /peer HTTP/1.1\r\nX-A: " + new string('a', 9000), "", 431),
        ("line over limit_request_line", "GET /peer?" + new string('a', 5000) + " HTTP/1.1", "", 400),
        ("latin-1 value is served", "GET /peer HTTP/1.1\r\nX-A: caf\u00e9", "", 200),
        ("underscore name is dropped and served", "GET /peer HTTP/1.1\r\nX_A: v", "", 200),
    ];

    /// <summary>
    /// Where Kestrel's own parser is stricter than the engine and refuses, with its status, before any unicornet code
    /// could serve the request (the kestrel class's head guard only refuses what the engine refuses). Engine status,
    /// Kestrel status.
    /// </summary>
    private static readonly (string Name, string Head, string Body, int Engine, int Kestrel)[] s_kestrelOwn =
    [
        ("HTTP/1.2", "GET /peer HTTP/1.2", "", 200, 505),
        ("gzip without chunked", "POST /peer HTTP/1.1\r\nTransfer-Encoding: gzip", "", 200, 400),
    ];

    [Theory]
    [MemberData(nameof(WorkerClasses))]
    public async Task Every_class_gives_the_engine_status_and_serves_on(string workerClass)
    {
        await using ServerProcess server = await ServerProcess.StartAsync(["-k", workerClass, "-w", "1", "--threads", "2", "--no-control-socket", ServerProcess.TestAppPath + ":App.Invoke"]);
        string pid = server.TryGet("/pid", out string body) == 200 ? body.Trim() : throw new InvalidOperationException(server.Output);
        var failures = new List<string>();
        foreach ((string name, string head, string requestBody, int status) in s_same)
        {
            Check(server, workerClass, name, head, requestBody, status, failures);
        }

        foreach ((string name, string head, string requestBody, int engine, int kestrel) in s_kestrelOwn)
        {
            Check(server, workerClass, name, head, requestBody, workerClass == "kestrel" ? kestrel : engine, failures);
        }

        failures.ShouldBeEmpty(server.Output);

        // The same worker answered all along.
        server.TryGet("/pid", out body).ShouldBe(200);
        body.Trim().ShouldBe(pid, server.Output);
    }

    /// <summary>
    /// Pipelined behind a good request, a smuggling-shaped head is answered after it: the good one's 200 first, then
    /// the 400 (on the kestrel class Kestrel would have served the second). Every refusal is access-logged as the
    /// engine logs it, with the request line "-".
    /// </summary>
    [Theory]
    [MemberData(nameof(KeepAliveClasses))]
    public async Task A_good_request_pipelined_before_a_bad_head_is_answered_first_and_refusals_are_access_logged(string workerClass)
    {
        await using ServerProcess server = await ServerProcess.StartAsync(["-k", workerClass, "-w", "1", "--no-control-socket", "--access-logfile", "-", ServerProcess.TestAppPath + ":App.Invoke"]);
        foreach (string bad in (string[])["POST /peer HTTP/1.1\r\nHost: t\r\nContent-Length: +1\r\n\r\nx", "POST /peer HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"])
        {
            string responses = Exchange(server, "GET /peer HTTP/1.1\r\nHost: t\r\n\r\n" + bad + "GET /peer HTTP/1.1\r\nHost: t\r\n\r\n");
            var statuses = new List<int>();
            for (int at = responses.IndexOf("HTTP/1.1 ", StringComparison.Ordinal); at >= 0; at = responses.IndexOf("HTTP/1.1 ", at + 12, StringComparison.Ordinal))
            {
                statuses.Add(int.Parse(responses.AsSpan(at + 9, 3), CultureInfo.InvariantCulture));
            }

            statuses.ShouldBe([200, 400], $"{workerClass}: {responses}\n{server.Output}");
        }

        // And one refused after Kestrel parsed it (RequestRulesMiddleware on the kestrel class).
        Status(server, "GET /peer HTTP/1.1\r\nX-A: a\u0001b", "").ShouldBe(400);
        server.WaitFor(() => server.Output.Split("\"-\" 400 ").Length - 1 >= 3, TimeSpan.FromSeconds(20), "three access-logged refusals");
    }

    [Theory]
    [MemberData(nameof(WorkerClasses))]
    public async Task Limit_request_line_0_means_no_limit(string workerClass)
    {
        await using ServerProcess server = await ServerProcess.StartAsync(["-k", workerClass, "-w", "1", "--no-control-socket", "--limit-request-line", "0", ServerProcess.TestAppPath + ":App.Invoke"]);
        Status(server, "GET /peer?" + new string('a', 10000) + " HTTP/1.1", "").ShouldBe(200, server.Output);
    }

    private static void Check(ServerProcess server, string workerClass, string name, string head, string body, int expected, List<string> failures)
    {
        int status = Status(server, head, body);
        if (status != expected)
        {
            failures.Add($"{workerClass}: {name}: {status}, expected {expected}");
        }

        int next = Status(server, "GET /peer HTTP/1.1", "");
        if (next != 200)
        {
            failures.Add($"{workerClass}: the request after '{name}' got {next}");
        }
    }

    /// <summary>Sends one request (Host and Connection: close added after its own lines) and returns the status.</summary>
    private static int Status(ServerProcess server, string head, string body)
    {
        string response = Exchange(server, head + "\r\nHost: t\r\nConnection: close\r\n\r\n" + body);
        return response.StartsWith("HTTP/1.", StringComparison.Ordinal) && response.Length >= 12
            ? int.Parse(response.AsSpan(9, 3), CultureInfo.InvariantCulture)
            : 0;
    }

    /// <summary>Sends the bytes and returns everything the server answered until it closed.</summary>
    private static string Exchange(ServerProcess server, string request)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 20000, SendTimeout = 20000 };
        socket.Connect(IPAddress.Loopback, server.Port);
        socket.Send(Encoding.Latin1.GetBytes(request));
        return ServerProcess.ReadToClose(socket, resetEnds: true);
    }
}
