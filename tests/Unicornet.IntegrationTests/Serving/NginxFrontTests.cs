using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Unicornet.IntegrationTests.Support;

namespace Unicornet.IntegrationTests.Serving;

/// <summary>
/// A real nginx in front of unicornet, running the config samples nginx-uwsgi.conf and nginx-proxy.conf: the same
/// requests through <c>uwsgi_pass</c> (TCP and Unix socket) and through <c>proxy_pass</c> must reach the app as the
/// same request, on every engine class. Clients connect from 127.0.0.2 so the client's address is not nginx's.
/// </summary>
public sealed class NginxFrontTests
{
    private const string ClientAddress = "127.0.0.2";

    public static TheoryData<string> EngineClasses => new() { "sync", "gthread", "async" };

    [NginxTheory]
    [MemberData(nameof(EngineClasses))]
    public async Task The_app_sees_the_same_request_through_uwsgi_pass_and_proxy_pass(string workerClass)
    {
        await using Fronted front = await Fronted.StartAsync(workerClass);
        using HttpClient client = Client(front.CertificateHash);

        const string target = "/echo/a%20b/%C3%A9t%C3%A9?x=1&y=a%2Bb&z";
        JsonObject get = await SameBothWays(client, front, HttpMethod.Get, target, request => request.Headers.Add("X-Custom-Header", "hello  world"));
        get["method"]!.GetValue<string>().ShouldBe("GET");
        get["path"]!.GetValue<string>().ShouldBe("/echo/a b/été");
        get["query"]!.GetValue<string>().ShouldBe("?x=1&y=a%2Bb&z");
        get["protocol"]!.GetValue<string>().ShouldBe("HTTP/1.1");
        get["scheme"]!.GetValue<string>().ShouldBe("http");
        get["remote"]!.GetValue<string>().ShouldBe(ClientAddress);
        get["headers"]!["x-custom-header"]!.GetValue<string>().ShouldBe("hello  world");
        get["headers"]!["host"]!.GetValue<string>().ShouldBe("127.0.0.1");

        foreach (int size in new[] { 1 << 20, 5 << 20 })
        {
            byte[] body = Payload(size);
            JsonObject post = await SameBothWays(client, front, HttpMethod.Post, "/echo/upload", request =>
            {
                request.Content = new ByteArrayContent(body);
                request.Content.Headers.ContentType = new("application/octet-stream");
            });
            post["bodyLength"]!.GetValue<long>().ShouldBe(size);
            post["bodySha256"]!.GetValue<string>().ShouldBe(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(body)));
            post["headers"]!["content-length"]!.GetValue<string>().ShouldBe(size.ToString(CultureInfo.InvariantCulture));
        }

        // nginx turns a chunked upload into a length on both ways in.
        byte[] chunkedBody = Payload(300_000);
        JsonObject chunked = await SameBothWays(client, front, HttpMethod.Put, "/echo/chunked", request =>
        {
            request.Headers.TransferEncodingChunked = true;
            request.Content = new StreamContent(new MemoryStream(chunkedBody));
        });
        chunked["bodyLength"]!.GetValue<long>().ShouldBe(chunkedBody.Length);
        chunked["headers"]!.AsObject().ContainsKey("transfer-encoding").ShouldBeFalse();

        // The scheme of a TLS front: HTTPS on (uwsgi_pass) against X-Forwarded-Proto: https (proxy_pass).
        JsonObject tls = await SameBothWays(client, front, HttpMethod.Get, "/echo/tls", tls: true);
        tls["scheme"]!.GetValue<string>().ShouldBe("https");
        tls["remote"]!.GetValue<string>().ShouldBe(ClientAddress);

        // The Unix-socket upstream gives the app the same request as the TCP one.
        JsonObject overUnix = Normalise(await EchoAsync(client, new Uri($"http://127.0.0.1:{front.UnixFrontPort}{target}"), HttpMethod.Get, r => r.Headers.Add("X-Custom-Header", "hello  world")));
        overUnix.ToJsonString().ShouldBe(get.ToJsonString());
    }

    [NginxTheory]
    [MemberData(nameof(EngineClasses))]
    public async Task Bodiless_answers_are_the_same_through_uwsgi_pass_and_proxy_pass(string workerClass)
    {
        await using Fronted front = await Fronted.StartAsync(workerClass);
        using HttpClient client = Client(front.CertificateHash);
        foreach (Uri baseUri in new[] { front.UwsgiUri, front.ProxyUri })
        {
            using (var head = new HttpRequestMessage(HttpMethod.Head, new Uri(baseUri, "/echo/head")))
            using (HttpResponseMessage response = await client.SendAsync(head))
            {
                response.StatusCode.ShouldBe(HttpStatusCode.OK, baseUri.ToString());
                response.Content.Headers.ContentLength.ShouldNotBeNull().ShouldBeGreaterThan(0);
                (await response.Content.ReadAsByteArrayAsync()).ShouldBeEmpty();
            }

            using (HttpResponseMessage noContent = await client.GetAsync(new Uri(baseUri, "/status?code=204")))
            {
                noContent.StatusCode.ShouldBe(HttpStatusCode.NoContent, baseUri.ToString());
            }

            using (var conditional = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUri, "/etag")))
            {
                conditional.Headers.TryAddWithoutValidation("If-None-Match", "\"v1\"");
                using HttpResponseMessage notModified = await client.SendAsync(conditional);
                notModified.StatusCode.ShouldBe(HttpStatusCode.NotModified, baseUri.ToString());
                notModified.Headers.ETag!.Tag.ShouldBe("\"v1\"");
            }

            (await client.GetStringAsync(new Uri(baseUri, "/etag"))).ShouldBe("fresh\n");
        }
    }

    [NginxFact]
    public async Task A_peer_outside_uwsgi_allow_ips_gets_403_and_the_Unix_socket_is_always_allowed()
    {
        await using Fronted front = await Fronted.StartAsync("gthread", uwsgiAllowIps: "10.0.0.0/8,192.168.0.0/16", waitForUwsgiTcp: false);
        using HttpClient client = Client(front.CertificateHash);
        using HttpResponseMessage refused = await client.GetAsync(new Uri(front.UwsgiUri, "/echo/x"));
        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden, front.Describe());
        using HttpResponseMessage overUnix = await client.GetAsync(new Uri($"http://127.0.0.1:{front.UnixFrontPort}/echo/x"));
        overUnix.StatusCode.ShouldBe(HttpStatusCode.OK, front.Describe());
    }

    [Theory]
    [MemberData(nameof(EngineClasses))]
    public async Task Raw_malformed_packets_get_their_status_and_the_worker_lives_on(string workerClass)
    {
        await using ServerProcess server = await ServerProcess.StartAsync(
            ["-k", workerClass, "-w", "1", "--threads", "2", "--no-control-socket", "--protocol", "uwsgi", ServerProcess.TestAppPath + ":App.Invoke"],
            waitForHttp: false);
        string Send(byte[] bytes, bool halfClose = true)
        {
            using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 20000, SendTimeout = 20000 };
            s.Connect(IPAddress.Loopback, server.Port);
            s.Send(bytes);
            if (halfClose)
            {
                s.Shutdown(SocketShutdown.Send);
            }

            var received = new MemoryStream();
            byte[] buffer = new byte[4096];
            int n;
            while ((n = s.Receive(buffer)) > 0)
            {
                received.Write(buffer, 0, n);
            }

            return Encoding.Latin1.GetString(received.ToArray());
        }

        string pid = "";
        server.WaitFor(
            () =>
            {
                try
                {
                    string response = Send(UwsgiPacket.Request("GET", "/pid"));
                    pid = response[(response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..].Trim();
                    return response.StartsWith("HTTP/1.1 200 ", StringComparison.Ordinal);
                }
                catch (SocketException)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(60),
            "the uwsgi server to answer a packet");
        List<int> workers = server.WorkerPids();
        workers.ShouldBe([int.Parse(pid, CultureInfo.InvariantCulture)]);

        var random = new Random(13);
        byte[] noise = new byte[512];
        random.NextBytes(noise);
        noise[0] = 0x9C;
        (string What, byte[] Packet, string Status)[] cases =
        [
            ("truncated header", [0, 12], "400"),
            ("vars longer than the block", [0, 6, 0, 0, 5, 0, (byte)'A', (byte)'B', 0, 0], "400"),
            ("modifier1 not 0", UwsgiPacket.Build([new("REQUEST_METHOD", "GET")], modifier1: 7), "501"),
            ("more vars than allowed", UwsgiPacket.Build(Enumerable.Range(0, 101).Select(i => new KeyValuePair<string, string>("HTTP_X_H" + i.ToString(CultureInfo.InvariantCulture), "v"))), "431"),
            ("random bytes", noise, "501"),
            ("random bytes behind a zero modifier", [0, .. noise[1..]], "4"),
        ];
        foreach ((string what, byte[] packet, string status) in cases)
        {
            Send(packet).ShouldStartWith("HTTP/1.1 " + status, customMessage: what);
        }

        // A packet cut short by a peer that then stalls is not waited for forever: the header timeout ends it.
        string stalled = Send([0, 100, 0, 0, 1, 0], halfClose: false);
        stalled.ShouldBe("", customMessage: "a stalled packet is closed without an answer, as a stalled HTTP head is");

        string after = Send(UwsgiPacket.Request("GET", "/pid"));
        after.ShouldStartWith("HTTP/1.1 200 ");
        after.ShouldEndWith(pid + "\n");
        server.WorkerPids().ShouldBe(workers);
    }

    private static HttpClient Client(string certificateHash)
    {
        var handler = new SocketsHttpHandler
        {
            // From another loopback address than nginx's own, so "the client's address" is a real check.
            ConnectCallback = async (context, token) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(IPAddress.Parse(ClientAddress), 0));
                    await socket.ConnectAsync(context.DnsEndPoint, token);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
            SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) => presented?.GetCertHashString() == certificateHash },
        };
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>Sends the request both ways; both must answer 200 with the same view of the request, which is returned.</summary>
    private static async Task<JsonObject> SameBothWays(HttpClient client, Fronted front, HttpMethod method, string target, Action<HttpRequestMessage>? setup = null, bool tls = false)
    {
        JsonObject viaUwsgi = Normalise(await EchoAsync(client, new Uri(tls ? front.UwsgiTlsUri : front.UwsgiUri, target), method, setup));
        JsonObject viaProxy = Normalise(await EchoAsync(client, new Uri(tls ? front.ProxyTlsUri : front.ProxyUri, target), method, setup));
        viaUwsgi.ToJsonString().ShouldBe(viaProxy.ToJsonString(), $"{method} {target}: uwsgi_pass (first) against proxy_pass");
        return viaUwsgi;
    }

    private static async Task<JsonObject> EchoAsync(HttpClient client, Uri uri, HttpMethod method, Action<HttpRequestMessage>? setup)
    {
        using var request = new HttpRequestMessage(method, uri);
        setup?.Invoke(request);
        using HttpResponseMessage response = await client.SendAsync(request);
        string body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{method} {uri}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    /// <summary>
    /// Leaves out what differs by design: which worker answered, and the headers nginx adds for proxy_pass only
    /// (the X-Forwarded-* that carry over HTTP what a uWSGI packet carries in its own vars).
    /// </summary>
    private static JsonObject Normalise(JsonObject seen)
    {
        seen.Remove("pid");
        JsonObject headers = seen["headers"]!.AsObject();
        headers.Remove("x-forwarded-for");
        headers.Remove("x-forwarded-proto");
        return seen;
    }

    private static byte[] Payload(int size)
    {
        byte[] bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Two unicornet masters (one speaking uWSGI on TCP and a Unix socket, one HTTP) behind one nginx running both samples.</summary>
    private sealed class Fronted : IAsyncDisposable
    {
        private readonly List<IAsyncDisposable> _servers = [];
        private readonly string _nginxDir = Directory.CreateTempSubdirectory("unicornet-nginx-").FullName;
        private NginxFront? _nginx;

        public int UwsgiFrontPort { get; } = ServerProcess.FreePort();

        public int UwsgiTlsFrontPort { get; } = ServerProcess.FreePort();

        public int UnixFrontPort { get; } = ServerProcess.FreePort();

        public int ProxyFrontPort { get; } = ServerProcess.FreePort();

        public int ProxyTlsFrontPort { get; } = ServerProcess.FreePort();

        public Uri UwsgiUri => new($"http://127.0.0.1:{UwsgiFrontPort}/");

        public Uri UwsgiTlsUri => new($"https://127.0.0.1:{UwsgiTlsFrontPort}/");

        public Uri ProxyUri => new($"http://127.0.0.1:{ProxyFrontPort}/");

        public Uri ProxyTlsUri => new($"https://127.0.0.1:{ProxyTlsFrontPort}/");

        /// <summary>The thumbprint of nginx's throwaway certificate, the only one the clients accept.</summary>
        public string CertificateHash { get; private set; } = "";

        public ServerProcess? Uwsgi { get; private set; }

        public ServerProcess? Http { get; private set; }

        public static async Task<Fronted> StartAsync(string workerClass, string uwsgiAllowIps = "127.0.0.1", bool waitForUwsgiTcp = true)
        {
            var front = new Fronted();
            try
            {
                string[] common = ["-k", workerClass, "-w", "2", "--threads", "4", "--no-control-socket", "--keep-alive", "75"];
                front.Uwsgi = await ServerProcess.StartAsync(
                    [.. common, "--protocol", "uwsgi", "--uwsgi-allow-from", uwsgiAllowIps, "-b", "unix:{DIR}/uwsgi.sock", ServerProcess.TestAppPath + ":App.Invoke"],
                    waitForHttp: false);
                front._servers.Add(front.Uwsgi);
                front.Http = await ServerProcess.StartAsync([.. common, ServerProcess.TestAppPath + ":App.Invoke"]);
                front._servers.Add(front.Http);

                (string cert, string key) = SelfSigned.WritePem(front._nginxDir);
                using (var pem = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(cert, key))
                {
                    front.CertificateHash = pem.GetCertHashString();
                }

                string P(int port) => port.ToString(CultureInfo.InvariantCulture);
                string uwsgiSite = NginxFront.Sample("nginx-uwsgi.conf", new Dictionary<string, string>
                {
                    ["127.0.0.1:8001"] = "127.0.0.1:" + P(front.Uwsgi.Port),
                    ["unix:/run/unicornet/uwsgi.sock"] = "unix:" + Path.Combine(front.Uwsgi.Directory, "uwsgi.sock"),
                    ["127.0.0.1:8080"] = "127.0.0.1:" + P(front.UwsgiFrontPort),
                    ["127.0.0.1:8443"] = "127.0.0.1:" + P(front.UwsgiTlsFrontPort),
                    ["127.0.0.1:8081"] = "127.0.0.1:" + P(front.UnixFrontPort),
                    ["/etc/ssl/certs/unicornet-front.pem"] = cert,
                    ["/etc/ssl/private/unicornet-front.key"] = key,
                });
                string proxySite = NginxFront.Sample("nginx-proxy.conf", new Dictionary<string, string>
                {
                    ["127.0.0.1:8000"] = "127.0.0.1:" + P(front.Http.Port),
                    ["127.0.0.1:8082"] = "127.0.0.1:" + P(front.ProxyFrontPort),
                    ["127.0.0.1:8444"] = "127.0.0.1:" + P(front.ProxyTlsFrontPort),
                    ["/etc/ssl/certs/unicornet-front.pem"] = cert,
                    ["/etc/ssl/private/unicornet-front.key"] = key,
                });
                front._nginx = NginxFront.Start(front._nginxDir, [uwsgiSite, proxySite], [front.UwsgiFrontPort, front.UnixFrontPort, front.ProxyFrontPort]);

                // The uwsgi master answers through nginx once its workers serve (502 until then).
                using HttpClient probe = new() { Timeout = TimeSpan.FromSeconds(5) };
                foreach (Uri ready in waitForUwsgiTcp ? [front.UwsgiUri, new($"http://127.0.0.1:{front.UnixFrontPort}/")] : new[] { new Uri($"http://127.0.0.1:{front.UnixFrontPort}/") })
                {
                    await Eventually.UntilAsync(
                        async () =>
                        {
                            try
                            {
                                using HttpResponseMessage r = await probe.GetAsync(new Uri(ready, "/pid"));
                                return r.StatusCode == HttpStatusCode.OK;
                            }
                            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                            {
                                return false;
                            }
                        },
                        TimeSpan.FromSeconds(60),
                        $"unicornet to answer through nginx at {ready}",
                        front.Describe);
                }

                return front;
            }
            catch
            {
                await front.DisposeAsync();
                throw;
            }
        }

        public string Describe() => $"nginx:\n{_nginx?.Describe()}\nuwsgi server:\n{Uwsgi?.Output}\nhttp server:\n{Http?.Output}";

        public async ValueTask DisposeAsync()
        {
            _nginx?.Dispose();
            foreach (IAsyncDisposable server in _servers)
            {
                await server.DisposeAsync();
            }

            try
            {
                Directory.Delete(_nginxDir, recursive: true);
            }
            catch (IOException)
            {
                // nginx's last writes; the temp directory is the system's to clean
            }
        }
    }
}
