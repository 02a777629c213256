using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Unicornet.Config.Options;
using Unicornet.Hosting.AppLoading;
using Unicornet.Hosting.Kestrel;
using Unicornet.Hosting.Tests.Support;
using Unicornet.Http.Serving;

namespace Unicornet.Hosting.Tests;

public sealed class KestrelServingTests
{
    private static readonly RequestDelegate s_hello = context =>
    {
        context.Response.ContentType = "text/plain";
        return context.Response.WriteAsync("hello " + context.Request.Protocol);
    };

    private static Socket Listen()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        socket.Listen(64);
        return socket;
    }

    private static int Port(Socket socket) => ((IPEndPoint)socket.LocalEndPoint!).Port;

    /// <summary>Runs the loop, hands the test a base URL, then stops gracefully and checks the loop returned.</summary>
    private static async Task Serve(IHttpServingLoop loop, bool tls, Func<string, Task> test)
    {
        using Socket listener = Listen();
        using var graceful = new CancellationTokenSource();
        using var immediate = new CancellationTokenSource();
        Task run = loop.RunAsync([listener], graceful.Token, immediate.Token);
        try
        {
            await test($"{(tls ? "https" : "http")}://127.0.0.1:{Port(listener)}");
        }
        finally
        {
            graceful.Cancel();
            immediate.CancelAfter(TimeSpan.FromSeconds(10));
            await run.WaitAsync(TimeSpan.FromSeconds(20));
        }
    }

    private static HttpClient Client(Version version, X509Certificate2Holder? trust = null)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(5) };
        if (trust is not null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, _) =>
                cert is not null && cert.GetCertHashString() == trust.Thumbprint;
        }

        return new HttpClient(handler)
        {
            DefaultRequestVersion = version,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(10),
        };
    }

    [Fact]
    public async Task Plain_delegate_over_http11_reports_events()
    {
        var events = new RecordingEvents();
        KestrelServing serving = KestrelServing.ForHandler(s_hello, DefaultOptions.Kestrel, events);
        await Serve(serving, tls: false, async url =>
        {
            using HttpClient client = Client(HttpVersion.Version11);
            HttpResponseMessage response = await client.GetAsync(url + "/path?q=1");
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await response.Content.ReadAsStringAsync()).ShouldBe("hello HTTP/1.1");
            response.Headers.Contains("Server").ShouldBeFalse();
            await events.WaitForCompletedAsync(1);
        });

        events.Completed.TryPeek(out RequestSummary? summary).ShouldBeTrue();
        summary!.Status.ShouldBe(200);
        summary.BodyBytes.ShouldBe("hello HTTP/1.1".Length);
        summary.RequestLine.ShouldBe("GET /path?q=1 HTTP/1.1");
        summary.Error.ShouldBeNull();
    }

    [Fact]
    public async Task H2c_prior_knowledge()
    {
        var options = DefaultOptions.Kestrel with { HttpProtocols = ["h1", "h2"], Http2Cleartext = Http2CleartextMode.PriorKnowledge };
        KestrelServing serving = KestrelServing.ForHandler(s_hello, options, new RecordingEvents());
        await Serve(serving, tls: false, async url =>
        {
            using HttpClient client = Client(HttpVersion.Version20);
            HttpResponseMessage response = await client.GetAsync(url + "/");
            response.Version.ShouldBe(HttpVersion.Version20);
            (await response.Content.ReadAsStringAsync()).ShouldBe("hello HTTP/2");
        });
    }

    [Fact]
    public async Task Tls_with_alpn_h2_and_http11()
    {
        using var cert = new TestCertificate();
        var options = DefaultOptions.Kestrel with { HttpProtocols = ["h1", "h2"], CertFile = cert.CertFile, KeyFile = cert.KeyFile };
        KestrelServing serving = KestrelServing.ForHandler(s_hello, options, new RecordingEvents());
        var trust = new X509Certificate2Holder(cert.Certificate.GetCertHashString());
        await Serve(serving, tls: true, async url =>
        {
            using HttpClient h2 = Client(HttpVersion.Version20, trust);
            HttpResponseMessage response = await h2.GetAsync(url + "/");
            response.Version.ShouldBe(HttpVersion.Version20);
            (await response.Content.ReadAsStringAsync()).ShouldBe("hello HTTP/2");

            using HttpClient h1 = Client(HttpVersion.Version11, trust);
            response = await h1.GetAsync(url + "/");
            response.Version.ShouldBe(HttpVersion.Version11);
            (await response.Content.ReadAsStringAsync()).ShouldBe("hello HTTP/1.1");
        });
    }

    [Fact]
    public async Task Max_requests_closes_the_connection_and_ends_the_loop()
    {
        var events = new RecordingEvents { MaxRequests = 2 };
        KestrelServing serving = KestrelServing.ForHandler(s_hello, DefaultOptions.Kestrel, events);
        using Socket listener = Listen();
        using var never = new CancellationTokenSource();
        Task run = serving.RunAsync([listener], never.Token, never.Token);
        using HttpClient client = Client(HttpVersion.Version11);
        string url = $"http://127.0.0.1:{Port(listener)}/";
        HttpResponseMessage first = await client.GetAsync(url);
        first.Headers.ConnectionClose.ShouldNotBe(true);
        HttpResponseMessage second = await client.GetAsync(url);
        second.StatusCode.ShouldBe(HttpStatusCode.OK);
        second.Headers.ConnectionClose.ShouldBe(true);
        await run.WaitAsync(TimeSpan.FromSeconds(20));
        run.IsCompletedSuccessfully.ShouldBeTrue();
    }

    [Fact]
    public async Task Keepalive_zero_closes_each_connection()
    {
        KestrelServing serving = KestrelServing.ForHandler(s_hello, DefaultOptions.Kestrel with { KeepAliveSeconds = 0 }, new RecordingEvents());
        await Serve(serving, tls: false, async url =>
        {
            using HttpClient client = Client(HttpVersion.Version11);
            HttpResponseMessage response = await client.GetAsync(url + "/");
            response.Headers.ConnectionClose.ShouldBe(true);
        });
    }

    [Fact]
    public async Task App_exception_is_500_and_reported()
    {
        var events = new RecordingEvents();
        RequestDelegate failing = _ => throw new InvalidOperationException("kaboom");
        KestrelServing serving = KestrelServing.ForHandler(failing, DefaultOptions.Kestrel, events);
        await Serve(serving, tls: false, async url =>
        {
            using HttpClient client = Client(HttpVersion.Version11);
            HttpResponseMessage response = await client.GetAsync(url + "/");
            response.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
            await events.WaitForCompletedAsync(1);
        });

        events.Completed.TryPeek(out RequestSummary? summary).ShouldBeTrue();
        summary!.Status.ShouldBe(500);
        summary.Error.ShouldBeOfType<InvalidOperationException>();
    }

    [Fact]
    public async Task Loaded_plain_app_by_module()
    {
        KestrelServing serving = KestrelServing.Load("HelloApp:App", null, [Examples.DirOf("HelloApp")], DefaultOptions.Kestrel, new RecordingEvents(), new AppLoadOptions { SetProcessGlobals = false });
        serving.App!.IsAspNetCoreHost.ShouldBeFalse();
        await Serve(serving, tls: false, async url =>
        {
            using HttpClient client = Client(HttpVersion.Version11);
            (await client.GetStringAsync(url + "/")).ShouldBe("Hello, World!");
            (await client.GetByteArrayAsync(url + "/big")).Length.ShouldBe(100 * 1024);
        });
    }

    [Fact]
    public async Task Captured_controllers_app_over_h2c_and_streaming_app_over_http11()
    {
        var loadOptions = new AppLoadOptions { SetProcessGlobals = false, StartupTimeout = TimeSpan.FromSeconds(60) };
        var h2c = DefaultOptions.Kestrel with { HttpProtocols = ["h1", "h2"], Http2Cleartext = Http2CleartextMode.PriorKnowledge, GracefulTimeoutSeconds = 5 };
        KestrelServing controllers = KestrelServing.Load(Examples.PathOf("ControllersApp"), null, null, h2c, new RecordingEvents(), loadOptions);
        await Serve(controllers, tls: false, async url =>
        {
            using HttpClient client = Client(HttpVersion.Version20);
            HttpResponseMessage response = await client.GetAsync(url + "/api/books/3");
            response.Version.ShouldBe(HttpVersion.Version20);
            (await response.Content.ReadAsStringAsync()).ShouldBe("{\"id\":3,\"title\":\"The Art of Computer Programming\"}");
        });

        KestrelServing streaming = KestrelServing.Load(Examples.PathOf("StreamingApp"), null, null, DefaultOptions.Kestrel with { GracefulTimeoutSeconds = 5 }, new RecordingEvents(), loadOptions);
        await Serve(streaming, tls: false, async url =>
        {
            using HttpClient client = Client(HttpVersion.Version11);
            HttpResponseMessage response = await client.GetAsync(url + "/events?count=2", HttpCompletionOption.ResponseHeadersRead);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
            (await response.Content.ReadAsStringAsync()).ShouldBe("id: 1\nevent: tick\ndata: {\"n\":1}\n\nid: 2\nevent: tick\ndata: {\"n\":2}\n\n");
        });
    }

    [Fact]
    public async Task Startup_failure_past_the_gate_surfaces_from_RunAsync_as_app_load_exception()
    {
        var loadOptions = new AppLoadOptions { SetProcessGlobals = false, StartupTimeout = TimeSpan.FromSeconds(60) };
        KestrelServing serving = KestrelServing.Load(Examples.PathOf("BrokenWebApp"), null, null, DefaultOptions.Kestrel, new RecordingEvents(), loadOptions);
        using Socket listener = Listen();
        using var never = new CancellationTokenSource();
        AppLoadException ex = await Should.ThrowAsync<AppLoadException>(() => serving.RunAsync([listener], never.Token, never.Token).WaitAsync(TimeSpan.FromSeconds(30)));
        ex.Message.ShouldBe("'BrokenWebApp' failed to start: System.InvalidOperationException: migrations failed: no database");
    }

    [Fact]
    public async Task Captured_minimal_api_keeps_its_kestrel_on_the_inherited_listener()
    {
        var events = new RecordingEvents();
        var loadOptions = new AppLoadOptions { SetProcessGlobals = false, StartupTimeout = TimeSpan.FromSeconds(60) };
        KestrelServing serving = KestrelServing.Load(Examples.PathOf("MinimalApi"), null, null, DefaultOptions.Kestrel with { GracefulTimeoutSeconds = 5 }, events, loadOptions);
        serving.App!.IsAspNetCoreHost.ShouldBeTrue();
        await Serve(serving, tls: false, async url =>
        {
            using HttpClient client = Client(HttpVersion.Version11);
            (await client.GetStringAsync(url + "/items/7?tag=x")).ShouldBe("{\"id\":7,\"tag\":\"x\"}");
            HttpResponseMessage boom = await client.GetAsync(url + "/boom");
            boom.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
            await events.WaitForCompletedAsync(2);
        });

        events.Completed.Count.ShouldBe(2);
    }
}

public sealed class KestrelCapturedFactoryTests
{
    [Fact]
    public async Task App_configured_kestrel_endpoints_are_dropped_and_only_the_listener_serves()
    {
        var loadOptions = new AppLoadOptions { SetProcessGlobals = false, StartupTimeout = TimeSpan.FromSeconds(60) };
        KestrelServing serving = KestrelServing.Load("Unicornet.Hosting.Tests:KestrelWeb()", null, null, DefaultOptions.Kestrel with { GracefulTimeoutSeconds = 5 }, new RecordingEvents(), loadOptions);
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(16);
        int port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        using var graceful = new CancellationTokenSource();
        using var immediate = new CancellationTokenSource();
        Task run = serving.RunAsync([listener], graceful.Token, immediate.Token);
        try
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            string urls = await client.GetStringAsync($"http://127.0.0.1:{port}/urls");
            urls.ShouldBe($"http://127.0.0.1:{port}");
        }
        finally
        {
            graceful.Cancel();
            immediate.CancelAfter(TimeSpan.FromSeconds(10));
            await run.WaitAsync(TimeSpan.FromSeconds(20));
        }
    }
}

/// <summary>The thumbprint a test client trusts.</summary>
internal sealed record X509Certificate2Holder(string Thumbprint);

public sealed class KestrelUnixSocketTests
{
    [Fact]
    public async Task Serves_an_inherited_unix_socket()
    {
        string dir = Directory.CreateTempSubdirectory("unicornet-uds-").FullName;
        string path = Path.Combine(dir, "k.sock");
        try
        {
            using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(new UnixDomainSocketEndPoint(path));
            listener.Listen(16);
            RequestDelegate app = c => c.Response.WriteAsync("over unix");
            KestrelServing serving = KestrelServing.ForHandler(app, DefaultOptions.Kestrel, new RecordingEvents());
            using var graceful = new CancellationTokenSource();
            using var immediate = new CancellationTokenSource();
            Task run = serving.RunAsync([listener], graceful.Token, immediate.Token);
            try
            {
                var handler = new SocketsHttpHandler
                {
                    ConnectCallback = async (_, ct) =>
                    {
                        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                        await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), ct);
                        return new NetworkStream(socket, ownsSocket: true);
                    },
                };
                using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
                (await client.GetStringAsync("http://localhost/")).ShouldBe("over unix");
            }
            finally
            {
                graceful.Cancel();
                immediate.CancelAfter(TimeSpan.FromSeconds(10));
                await run.WaitAsync(TimeSpan.FromSeconds(20));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

public sealed class KestrelOptionsTests
{
    [Theory]
    [InlineData("h1", "off", false, "Http1")]
    [InlineData("h1,h2", "off", false, "Http1")]
    [InlineData("h1,h2", "prior-knowledge", false, "Http2")]
    [InlineData("h2", "both", false, "Http2")]
    [InlineData("h2", "off", false, "Http1")]
    [InlineData("h1,h2", "off", true, "Http1AndHttp2")]
    [InlineData("h2", "off", true, "Http2")]
    [InlineData("h1", "prior-knowledge", true, "Http1")]
    public void Http_protocols_map_to_kestrel_protocols(string protocols, string cleartext, bool tls, string expected)
    {
        var options = DefaultOptions.Kestrel with { HttpProtocols = protocols.Split(','), Http2Cleartext = Enum.Parse<Http2CleartextMode>(cleartext.Replace("-", "", StringComparison.Ordinal), ignoreCase: true) };
        var binder = new KestrelBinder(options, new RecordingEvents(), () => { });
        binder.Protocols(tls).ToString().ShouldBe(expected);
    }

    [Fact]
    public void Unreadable_certificate_fails_early_with_a_clear_message()
    {
        var options = DefaultOptions.Kestrel with { CertFile = "/nonexistent/cert.pem", KeyFile = "/nonexistent/key.pem" };
        InvalidOperationException ex = Should.Throw<InvalidOperationException>(() =>
            KestrelServing.ForHandler(_ => Task.CompletedTask, options, new RecordingEvents()));
        ex.Message.ShouldStartWith("Cannot load the TLS certificate (certfile '/nonexistent/cert.pem', keyfile '/nonexistent/key.pem'): ");
    }

    [Fact]
    public async Task Client_certificate_required_rejects_a_client_without_one()
    {
        using var cert = new TestCertificate();
        var options = DefaultOptions.Kestrel with { CertFile = cert.CertFile, KeyFile = cert.KeyFile, CertReqs = 2, CaCerts = cert.CertFile };
        KestrelServing serving = KestrelServing.ForHandler(c => c.Response.WriteAsync("secret"), options, new RecordingEvents());
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(16);
        using var graceful = new CancellationTokenSource();
        using var immediate = new CancellationTokenSource();
        Task run = serving.RunAsync([listener], graceful.Token, immediate.Token);
        try
        {
            var handler = new SocketsHttpHandler();
            string thumbprint = cert.Certificate.GetCertHashString();
            handler.SslOptions.RemoteCertificateValidationCallback = (_, c, _, _) => c?.GetCertHashString() == thumbprint;
            using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
            await Should.ThrowAsync<HttpRequestException>(() => client.GetStringAsync($"https://127.0.0.1:{((IPEndPoint)listener.LocalEndPoint!).Port}/"));
        }
        finally
        {
            graceful.Cancel();
            immediate.CancelAfter(TimeSpan.FromSeconds(10));
            await run.WaitAsync(TimeSpan.FromSeconds(20));
        }
    }
}
