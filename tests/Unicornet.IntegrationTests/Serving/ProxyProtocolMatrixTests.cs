using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Unicornet.IntegrationTests.Support;

namespace Unicornet.IntegrationTests.Serving;

/// <summary>
/// proxy_protocol and proxy_allow_ips × the four worker classes: a PROXY v1 or v2 header in front of the first request
/// gives the app the proxied client's address and port, forwarded_allow_ips still judges the real peer, a malformed
/// header or a peer outside proxy_allow_ips is refused with the same status everywhere, and the worker serves on.
/// On the kestrel class the header is also read in front of an h2c preface and in front of a TLS handshake.
/// </summary>
public sealed class ProxyProtocolMatrixTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    public static TheoryData<string> WorkerClasses => new() { "sync", "gthread", "async", "kestrel" };

    private static Task<ServerProcess> Start(string workerClass, params string[] extra) =>
        ServerProcess.StartAsync(["-k", workerClass, "-w", "1", "--threads", "2", "--no-control-socket", .. extra, ServerProcess.TestAppPath + ":App.Invoke"]);

    [Theory]
    [MemberData(nameof(WorkerClasses))]
    public async Task V1_and_v2_headers_give_the_app_the_proxied_client(string workerClass)
    {
        await using ServerProcess server = await Start(workerClass, "--proxy-protocol", "auto");

        Exchange(server, V1("TCP4 192.0.2.9 198.51.100.1 40001 443"), Get("/peer")).ShouldBe("200 192.0.2.9 40001 http HTTP/1.1", server.Output);
        Exchange(server, V1("TCP6 2001:db8::7 2001:db8::1 40002 443"), Get("/peer")).ShouldBe("200 2001:db8::7 40002 http HTTP/1.1", server.Output);
        Exchange(server, V2(IPAddress.Parse("203.0.113.5"), 40003, IPAddress.Parse("198.51.100.1"), 443), Get("/peer")).ShouldBe("200 203.0.113.5 40003 http HTTP/1.1", server.Output);
        Exchange(server, V2(IPAddress.Parse("2001:db8::9"), 40004, IPAddress.Parse("2001:db8::1"), 443), Get("/peer")).ShouldBe("200 2001:db8::9 40004 http HTTP/1.1", server.Output);

        // LOCAL (a health check from the proxy itself) and no header at all: the socket's own peer.
        Exchange(server, V2Local(), Get("/peer")).ShouldStartWith("200 127.0.0.1 ", customMessage: server.Output);
        Exchange(server, [], Get("/peer")).ShouldStartWith("200 127.0.0.1 ", customMessage: server.Output);

        // The header is read once: the connection's second request keeps the proxied client.
        Exchange(server, V1("TCP4 192.0.2.9 198.51.100.1 40001 443"), Get("/peer", close: false) + Get("/peer"))
            .ShouldBe("200 192.0.2.9 40001 http HTTP/1.1|200 192.0.2.9 40001 http HTTP/1.1", server.Output);

        // forwarded_allow_ips judges the real peer (127.0.0.1, trusted by default), not the proxied 192.0.2.9.
        Exchange(server, V1("TCP4 192.0.2.9 198.51.100.1 40001 443"), Get("/peer", headers: "X-Forwarded-For: 10.1.2.3\r\nX-Forwarded-Proto: https\r\n"))
            .ShouldBe("200 10.1.2.3 0 https HTTP/1.1", server.Output);
    }

    [Theory]
    [MemberData(nameof(WorkerClasses))]
    public async Task Malformed_headers_are_refused_alike_and_the_worker_serves_on(string workerClass)
    {
        await using ServerProcess server = await Start(workerClass, "--proxy-protocol", "auto");

        Exchange(server, V1("TCP4 nope 198.51.100.1 40001 443"), Get("/peer")).ShouldBe("400", workerClass);
        Exchange(server, V1("UNKNOWN"), Get("/peer")).ShouldBe("400", workerClass);
        Exchange(server, V1("TCP4 192.0.2.9 198.51.100.1 70000 443"), Get("/peer")).ShouldBe("400", workerClass);
        Exchange(server, V1("TCP4 192.0.2.9 198.51.100.1 " + new string('1', 120)), Get("/peer")).ShouldBe("400", workerClass);
        byte[] badVersion = V2Local();
        badVersion[12] = 0x30;
        Exchange(server, badVersion, Get("/peer")).ShouldBe("400", workerClass);
        byte[] udp = V2(IPAddress.Parse("203.0.113.5"), 1, IPAddress.Parse("198.51.100.1"), 2);
        udp[13] = 0x12;
        Exchange(server, udp, Get("/peer")).ShouldBe("400", workerClass);

        // A header cut short by the peer: closed without an answer.
        Exchange(server, Encoding.ASCII.GetBytes("PROXY TCP4 192.0.2.9"), "").ShouldBe("", workerClass);

        Exchange(server, V1("TCP4 192.0.2.9 198.51.100.1 40001 443"), Get("/peer")).ShouldBe("200 192.0.2.9 40001 http HTTP/1.1", server.Output);
    }

    [Theory]
    [MemberData(nameof(WorkerClasses))]
    public async Task A_peer_outside_proxy_allow_ips_gets_403_and_plain_requests_still_pass(string workerClass)
    {
        await using ServerProcess server = await Start(workerClass, "--proxy-protocol", "v1", "--proxy-allow-from", "10.9.9.9");

        Exchange(server, V1("TCP4 192.0.2.9 198.51.100.1 40001 443"), Get("/peer")).ShouldBe("403", workerClass);
        Exchange(server, [], Get("/peer")).ShouldStartWith("200 127.0.0.1 ", customMessage: server.Output);
    }

    [Fact]
    public async Task Kestrel_reads_the_header_in_front_of_an_h2c_preface()
    {
        await using ServerProcess server = await ServerProcess.StartAsync(
            ["-k", "kestrel", "-w", "1", "--no-control-socket", "--proxy-protocol", "auto", "--http-protocols", "h2", "--http2-cleartext", "prior-knowledge", ServerProcess.TestAppPath + ":App.Invoke"],
            waitForHttp: false);
        byte[] header = V2(IPAddress.Parse("203.0.113.5"), 40003, IPAddress.Parse("198.51.100.1"), 80);
        using HttpClient client = ProxiedClient(header, HttpVersion.Version20);
        string seen = await GetWhenServing(server, client, server.BaseUri + "peer");
        seen.ShouldBe("203.0.113.5 40003 http HTTP/2\n");

        using HttpClient v1 = ProxiedClient(V1("TCP4 192.0.2.9 198.51.100.1 40001 80"), HttpVersion.Version20);
        (await v1.GetStringAsync(server.BaseUri + "peer")).ShouldBe("192.0.2.9 40001 http HTTP/2\n");
    }

    [Fact]
    public async Task Kestrel_reads_the_header_in_front_of_a_tls_handshake()
    {
        string dir = Directory.CreateTempSubdirectory("unicornet-proxy-tls-").FullName;
        try
        {
            (string cert, string key) = SelfSigned.WritePem(dir);
            await using ServerProcess server = await ServerProcess.StartAsync(
                ["-k", "kestrel", "-w", "1", "--no-control-socket", "--proxy-protocol", "v2", "--certfile", cert, "--keyfile", key, "--http-protocols", "h2,h1", ServerProcess.TestAppPath + ":App.Invoke"],
                waitForHttp: false);
            string url = $"https://127.0.0.1:{server.Port}/peer";
            using var certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(cert, key);
            string thumbprint = certificate.GetCertHashString();
            using HttpClient h2 = ProxiedClient(V2(IPAddress.Parse("203.0.113.5"), 40003, IPAddress.Parse("198.51.100.1"), 443), HttpVersion.Version20, thumbprint);
            (await GetWhenServing(server, h2, url)).ShouldBe("203.0.113.5 40003 https HTTP/2\n");

            using HttpClient h1 = ProxiedClient(V2(IPAddress.Parse("2001:db8::9"), 40004, IPAddress.Parse("2001:db8::1"), 443), HttpVersion.Version11, thumbprint);
            (await h1.GetStringAsync(url)).ShouldBe("2001:db8::9 40004 https HTTP/1.1\n");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static byte[] V1(string rest) => Encoding.ASCII.GetBytes("PROXY " + rest + "\r\n");

    private static ReadOnlySpan<byte> Signature => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    /// <summary>A v2 PROXY command over TCP, with a TLV the server must skip.</summary>
    private static byte[] V2(IPAddress source, int sourcePort, IPAddress destination, int destinationPort)
    {
        bool v6 = source.AddressFamily == AddressFamily.InterNetworkV6;
        int addressLength = v6 ? 36 : 12;
        byte[] tlv = [0x04, 0x00, 0x02, 0xAB, 0xCD];
        byte[] header = new byte[16 + addressLength + tlv.Length];
        Signature.CopyTo(header);
        header[12] = 0x21;
        header[13] = (byte)(v6 ? 0x21 : 0x11);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(14), (ushort)(addressLength + tlv.Length));
        int size = v6 ? 16 : 4;
        source.GetAddressBytes().CopyTo(header, 16);
        destination.GetAddressBytes().CopyTo(header, 16 + size);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(16 + (2 * size)), (ushort)sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(18 + (2 * size)), (ushort)destinationPort);
        tlv.CopyTo(header, 16 + addressLength);
        return header;
    }

    private static byte[] V2Local()
    {
        byte[] header = new byte[16];
        Signature.CopyTo(header);
        header[12] = 0x20;
        return header;
    }

    private static string Get(string path, bool close = true, string headers = "") =>
        $"GET {path} HTTP/1.1\r\nHost: t\r\n{headers}{(close ? "Connection: close\r\n" : "")}\r\n";

    /// <summary>
    /// Sends <paramref name="prefix"/> and <paramref name="requests"/> on one connection, reads to EOF; returns each
    /// response as "status body" (or "status" when it has no body), joined with '|'; "" = closed without an answer.
    /// </summary>
    private static string Exchange(ServerProcess server, byte[] prefix, string requests)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 20000, SendTimeout = 20000 };
        socket.Connect(IPAddress.Loopback, server.Port);
        socket.Send([.. prefix, .. Encoding.ASCII.GetBytes(requests)]);
        if (requests.Length == 0)
        {
            socket.Shutdown(SocketShutdown.Send);
        }

        return string.Join('|', Responses(ServerProcess.ReadToClose(socket, resetEnds: true)));
    }

    private static IEnumerable<string> Responses(string text)
    {
        while (text.StartsWith("HTTP/1.1 ", StringComparison.Ordinal))
        {
            string status = text.Substring(9, 3);
            int end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            string head = text[..end];
            int length = 0;
            foreach (string line in head.Split("\r\n"))
            {
                if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                {
                    length = int.Parse(line.AsSpan(15).Trim(), CultureInfo.InvariantCulture);
                }
            }

            string body = text.Substring(end + 4, length);
            text = text[(end + 4 + length)..];
            yield return status == "200" ? status + " " + body.TrimEnd('\n') : status;
        }

        text.ShouldBeEmpty("unparsed bytes after the responses");
    }

    /// <summary>An HttpClient whose every connection starts with <paramref name="header"/>, trusting the certificate with <paramref name="thumbprint"/>.</summary>
    private static HttpClient ProxiedClient(byte[] header, Version version, string? thumbprint = null)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancel) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, cancel);
                    await socket.SendAsync(header, cancel);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        if (thumbprint is not null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.GetCertHashString() == thumbprint;
        }

        return new HttpClient(handler)
        {
            DefaultRequestVersion = version,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(20),
        };
    }

    private static async Task<string> GetWhenServing(ServerProcess server, HttpClient client, string url)
    {
        DateTime until = DateTime.UtcNow + Deadline;
        while (true)
        {
            try
            {
                return await client.GetStringAsync(url);
            }
            catch (HttpRequestException) when (DateTime.UtcNow < until && !server.HasExited)
            {
                await Task.Delay(200);
            }
        }
    }
}
