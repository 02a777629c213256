using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Unicornet.Hosting.AppLoading;
using Unicornet.Hosting.Capture;
using Unicornet.Http.Serving;

namespace Unicornet.Hosting.Kestrel;

/// <summary>
/// The kestrel worker class: Kestrel bound with ListenHandle to the inherited listeners, serving
/// either a plain request delegate (in a minimal host unicornet builds) or a captured ASP.NET Core
/// app (in the app's own host, Kestrel kept and reconfigured). Requests are reported through
/// <see cref="IHttpServingEvents"/> like in the other worker classes.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The source is cancelled by Kestrel's last request at any moment until the process ends; disposing it would race Cancel, and a source without a timer holds no unmanaged resource.")]
public sealed class KestrelServing : IHttpServingLoop
{
    private readonly KestrelServingOptions _options;
    private readonly IHttpServingEvents _events;
    private readonly KestrelBinder _binder;
    private readonly CancellationTokenSource _lastRequestServed = new();
    private RequestDelegate? _handler;
    private LoadedApp? _app;
    private IReadOnlyList<Socket> _listeners = [];
    private int _ran;

    private KestrelServing(KestrelServingOptions options, IHttpServingEvents events)
    {
        _options = options;
        _events = events;
        _binder = new KestrelBinder(options, events, () => _lastRequestServed.Cancel());
    }

    /// <summary>The loaded app (null when built from a bare delegate).</summary>
    public LoadedApp? App => _app;

    /// <summary>
    /// Loads APP_MODULE for Kestrel: a plain delegate app is served by a host unicornet builds; an
    /// ASP.NET Core app is captured with its Kestrel kept, and waits at its lifetime gate until
    /// <see cref="RunAsync"/> binds the listeners. Throws <see cref="AppLoadException"/>.
    /// </summary>
    public static KestrelServing Load(string appModule, string? chdir, IReadOnlyList<string>? searchPath, KestrelServingOptions options, IHttpServingEvents events, AppLoadOptions? loadOptions = null)
    {
        var serving = new KestrelServing(options, events);
        serving._binder.PrepareTls();
        AppLoadOptions effective = (loadOptions ?? AppLoadOptions.Default) with
        {
            ConfigureKestrelHost = serving._binder.ConfigureServices,
            BoundAddresses = options.BoundAddresses,
            StopTimeout = TimeSpan.FromSeconds(Math.Max(1, options.GracefulTimeoutSeconds)),
        };
        LoadedApp app = AppLoader.Load(appModule, chdir, searchPath, effective);
        serving._app = app;
        serving._handler = app.IsAspNetCoreHost ? null : app.Handler;
        return serving;
    }

    /// <summary>Serves <paramref name="handler"/> on Kestrel.</summary>
    public static KestrelServing ForHandler(RequestDelegate handler, KestrelServingOptions options, IHttpServingEvents events)
    {
        var serving = new KestrelServing(options, events) { _handler = handler };
        serving._binder.PrepareTls();
        return serving;
    }

    /// <inheritdoc />
    public async Task RunAsync(IReadOnlyList<Socket> listeners, CancellationToken graceful, CancellationToken immediate)
    {
        if (Interlocked.Exchange(ref _ran, 1) != 0)
        {
            throw new InvalidOperationException("a KestrelServing runs once");
        }

        _listeners = listeners;
        _binder.SetListeners(listeners);
        using var ticker = new PeriodicTimer(TimeSpan.FromSeconds(1));
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(graceful, immediate, _lastRequestServed.Token);
        Task ticks = TickAsync(ticker, stopping.Token);

        try
        {
            if (_app?.Captured is { } captured)
            {
                await RunCapturedAsync(captured, stopping.Token, immediate).ConfigureAwait(false);
            }
            else
            {
                await RunPlainAsync(_handler!, stopping.Token, immediate).ConfigureAwait(false);
            }
        }
        finally
        {
            stopping.Cancel();
            await ticks.ConfigureAwait(false);
        }
    }

    private async Task RunCapturedAsync(CapturedHost captured, CancellationToken stop, CancellationToken immediate)
    {
        // Startup errors past the gate (binding, the app's Configure, hosted services) surface here
        // as AppLoadException: the worker exits 4 just as for a load failure.
        IHost host = await Task.Run(captured.OpenAndWait).ConfigureAwait(false);
        await WaitAsync(captured.Ended, stop).ConfigureAwait(false);
        if (immediate.IsCancellationRequested)
        {
            await host.StopAsync(new CancellationToken(canceled: true)).ConfigureAwait(false);
            return;
        }

        using CancellationTokenRegistration abort = immediate.Register(() => _ = host.StopAsync(new CancellationToken(canceled: true)));
        await WaitForQueuedAsync(immediate).ConfigureAwait(false);
        await captured.StopAsync(TimeSpan.FromSeconds(Math.Max(1, _options.GracefulTimeoutSeconds) + 5)).ConfigureAwait(false);
    }

    private async Task RunPlainAsync(RequestDelegate handler, CancellationToken stop, CancellationToken immediate)
    {
        WebApplication app = BuildPlainHost(handler);
        try
        {
            await app.StartAsync(immediate).ConfigureAwait(false);
            await WaitAsync(null, stop).ConfigureAwait(false);
            await WaitForQueuedAsync(immediate).ConfigureAwait(false);
            using var shutdown = CancellationTokenSource.CreateLinkedTokenSource(immediate);
            shutdown.CancelAfter(TimeSpan.FromSeconds(Math.Max(0, _options.GracefulTimeoutSeconds)));
            await app.StopAsync(shutdown.Token).ConfigureAwait(false);
        }
        finally
        {
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Kestrel accepts as fast as connections come, but it closes the listeners as soon as it stops: when that
    /// ends listening for good, wait (within graceful_timeout) until the kernel's accept queues are empty first,
    /// so no queued connection is reset.
    /// </summary>
    private async Task WaitForQueuedAsync(CancellationToken immediate)
    {
        if (immediate.IsCancellationRequested || !_events.DrainsAcceptQueue)
        {
            return;
        }

        long deadline = Environment.TickCount64 + (Math.Max(0, _options.GracefulTimeoutSeconds) * 1000L);
        while (AcceptQueue.AnyQueued(_listeners) && Environment.TickCount64 < deadline)
        {
            try
            {
                await Task.Delay(20, immediate).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private WebApplication BuildPlainHost(RequestDelegate handler)
    {
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ContentRootPath = Environment.CurrentDirectory,
        });
        builder.WebHost.UseKestrelCore();
        builder.Services.RemoveAll<IHostLifetime>();
        builder.Services.AddSingleton<IHostLifetime, NoopLifetime>();
        _binder.ConfigureServices(builder.Services);
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft", _options.MicrosoftLogLevel);
        if (_options.MicrosoftLogLevel >= LogLevel.Warning)
        {
            // Hosting diagnostics never log above Information, yet while their category is enabled at all the
            // host starts an Activity and a log scope for every request. Off, nothing is lost and the host only
            // builds the Activity when an ActivityListener or DiagnosticListener asks for it.
            builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        }
        if (_options.Log is { } log)
        {
            // A factory, not an instance: the container then owns the provider and disposes it with the host.
            builder.Services.AddSingleton<ILoggerProvider>(_ => new LogBridgeProvider(log));
        }

        WebApplication app = builder.Build();
        app.Run(handler);
        return app;
    }

    private static async Task WaitAsync(Task? appEnded, CancellationToken stop)
    {
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using CancellationTokenRegistration registration = stop.Register(() => stopped.TrySetResult());
        if (appEnded is null)
        {
            await stopped.Task.ConfigureAwait(false);
        }
        else
        {
            await Task.WhenAny(stopped.Task, appEnded).ConfigureAwait(false);
        }
    }

    private async Task TickAsync(PeriodicTimer timer, CancellationToken stop)
    {
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                _events.Tick();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Signals belong to the worker: no ConsoleLifetime in unicornet's own host.</summary>
    private sealed class NoopLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
