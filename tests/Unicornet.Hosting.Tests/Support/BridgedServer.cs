using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Unicornet.Hosting.Server;
using Unicornet.Http.Serving;

namespace Unicornet.Hosting.Tests.Support;

/// <summary>
/// A real unicornet serving loop (sync, gthread or async) on 127.0.0.1:0 serving a request delegate: either a small
/// in-test WebApplication whose IServer is the <see cref="BridgeServer"/>, or a captured app's handler.
/// </summary>
internal sealed class BridgedServer : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly CancellationTokenSource _graceful = new();
    private readonly CancellationTokenSource _immediate = new();
    private readonly Task _run;
    private readonly WebApplication? _app;
    private readonly string? _contentRoot;

    private BridgedServer(ServingLoopKind workerClass, RequestDelegate handler, WebApplication? app, string? contentRoot, HttpServingOptions? options)
    {
        _app = app;
        _contentRoot = contentRoot;
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(128);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        HttpServingOptions served = (options ?? DefaultOptions.Engine) with { Loop = workerClass, Threads = 4, GracefulTimeoutSeconds = 5, AppsRunOnPollThread = workerClass == ServingLoopKind.Async };
        _run = HttpServingLoops.Create(served, handler, Events).RunAsync([_listener], _graceful.Token, _immediate.Token);
        Client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(30) })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{Port}"),
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public int Port { get; }

    public RecordingEvents Events { get; } = new();

    public HttpClient Client { get; }

    public string ContentRoot => _contentRoot ?? throw new InvalidOperationException("not an in-test app");

    /// <summary>Builds a slim WebApplication with the bridge as its server, maps it, starts it and serves it.</summary>
    public static async Task<BridgedServer> StartAsync(
        ServingLoopKind workerClass,
        Action<WebApplication> map,
        Action<WebApplicationBuilder>? build = null,
        Action<string>? prepareContentRoot = null,
        HttpServingOptions? options = null)
    {
        string root = Path.Combine(Path.GetTempPath(), "unicornet-bridge-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(root, "wwwroot"));
        prepareContentRoot?.Invoke(root);
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = root,
            WebRootPath = Path.Combine(root, "wwwroot"),
            EnvironmentName = "Production",
            Args = [],
        });
        builder.Logging.ClearProviders();
        var bridge = new BridgeServer(["http://127.0.0.1:0"], null);
        builder.Services.AddSingleton<IServer>(bridge);
        builder.Services.AddSingleton<IHostLifetime, NoopLifetime>();
        build?.Invoke(builder);
        WebApplication app = builder.Build();
        map(app);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await app.StartAsync(cts.Token);
        bridge.IsStarted.ShouldBeTrue();
        return new BridgedServer(workerClass, bridge.Handler, app, root, options);
    }

    /// <summary>Serves an already loaded handler (a captured example app).</summary>
    public static BridgedServer Serve(ServingLoopKind workerClass, RequestDelegate handler) => new(workerClass, handler, null, null, null);

    public Socket Connect()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 10000, SendTimeout = 10000 };
        socket.Connect(IPAddress.Loopback, Port);
        return socket;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _immediate.CancelAsync();
        try
        {
            await _run.WaitAsync(TimeSpan.FromSeconds(15));
        }
        finally
        {
            _listener.Dispose();
            _graceful.Dispose();
            _immediate.Dispose();
            if (_app is not null)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _app.StopAsync(cts.Token);
                await _app.DisposeAsync();
            }

            if (_contentRoot is not null)
            {
                try
                {
                    Directory.Delete(_contentRoot, recursive: true);
                }
                catch (IOException)
                {
                    // best effort: a temp dir
                }
            }
        }
    }

    private sealed class NoopLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
