using System.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Unicornet.Hosting.AppLoading;
using Unicornet.Hosting.Server;

namespace Unicornet.Hosting.Capture;

/// <summary>
/// Watches the "Microsoft.Extensions.Hosting" diagnostic events raised by hosts that the app builds
/// while <see cref="Activate"/> is in scope (entry point thread or factory call). At HostBuilding it
/// swaps IServer (bridge, or Kestrel reconfigured by the kestrel worker) and IHostLifetime (a gate);
/// at HostBuilt it remembers the host and waits for its ApplicationStarted.
/// </summary>
internal sealed class HostCapture : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>
{
    private const string ListenerName = "Microsoft.Extensions.Hosting";

    // Events are raised for every host in the process; only those built on a flow that entered
    // this capture belong to it (HostFactoryResolver filters the same way).
    private static readonly AsyncLocal<HostCapture?> s_current = new();

    private readonly AppLoadOptions _options;
    private readonly object _gate = new();
    private readonly List<IDisposable> _subscriptions = [];
    private readonly List<IHost> _built = [];
    private readonly TaskCompletionSource _gateOpen = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<IHost> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<IHost> _gateReached = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public HostCapture(AppLoadOptions options)
    {
        _options = options;
        if (options.ConfigureKestrelHost is null)
        {
            // The bridge opens no sockets, so the host may start as soon as the app runs it.
            _gateOpen.TrySetResult();
        }
    }

    /// <summary>The host whose ApplicationStarted fired (the served one).</summary>
    public Task<IHost> Started => _started.Task;

    /// <summary>The first host that reached the lifetime gate.</summary>
    public Task<IHost> GateReached => _gateReached.Task;

    /// <summary>Whether a host with these services was built under this capture.</summary>
    public bool Built(IServiceProvider services)
    {
        lock (_gate)
        {
            return _built.Exists(h => ReferenceEquals(h.Services, services));
        }
    }

    /// <summary>Lets the captured host start (kestrel mode: after the listeners are configured).</summary>
    public void OpenGate() => _gateOpen.TrySetResult();

    /// <summary>
    /// Subscribes for the current flow; dispose to stop listening (after the host started: later
    /// hosts the app builds are not captured).
    /// </summary>
    public IDisposable Activate()
    {
        HostCapture? previous = s_current.Value;
        s_current.Value = this;
        lock (_gate)
        {
            _subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(this));
        }

        return new Deactivation(this, previous);
    }

    /// <summary>Marks the current flow (e.g. a new entry point thread) as belonging to this capture.</summary>
    public void Enter() => s_current.Value = this;

    void IObserver<DiagnosticListener>.OnNext(DiagnosticListener listener)
    {
        if (listener.Name == ListenerName && ReferenceEquals(s_current.Value, this))
        {
            lock (_gate)
            {
                _subscriptions.Add(listener.Subscribe(this));
            }
        }
    }

    void IObserver<KeyValuePair<string, object?>>.OnNext(KeyValuePair<string, object?> value)
    {
        if (!ReferenceEquals(s_current.Value, this))
        {
            return;
        }

        switch (value.Key)
        {
            case "HostBuilding" when value.Value is IHostBuilder builder:
                builder.ConfigureServices((_, services) => ConfigureServices(services));
                break;
            case "HostBuilt" when value.Value is IHost host:
                OnHostBuilt(host);
                break;
        }
    }

    private const string HostLifetimeCategory = "Microsoft.Hosting.Lifetime";

    private void ConfigureServices(IServiceCollection services)
    {
        if (_options.ConfigureKestrelHost is { } configureKestrel)
        {
            configureKestrel(services);
        }
        else
        {
            services.RemoveAll<IServer>();
            ILog? log = _options.Log;
            // A factory, not an instance: the container then owns the server and disposes it with the host.
            services.AddSingleton<IServer>(_ => new BridgeServer(_options.BoundAddresses, log is null ? null : note => log.BridgeNote(note)));
        }

        // One behaviour for every worker class: the app's host announces nothing at start-up. Its
        // "Now listening on" (and "Application started", had the gate left ConsoleLifetime) would
        // come once per worker; the master's "Listening at:" says it once. Warnings still show.
        services.Configure<LoggerFilterOptions>(o => o.Rules.Add(new LoggerFilterRule(null, HostLifetimeCategory, LogLevel.Warning, null)));
        services.RemoveAll<IHostLifetime>();
        services.AddSingleton<IHostLifetime>(new GateLifetime(_gateOpen.Task));
    }

    private void OnHostBuilt(IHost host)
    {
        lock (_gate)
        {
            _built.Add(host);
        }

        host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(() => _started.TrySetResult(host));
        if (host.Services.GetService<IHostLifetime>() is GateLifetime gate)
        {
            gate.Reached.ContinueWith(_ => _gateReached.TrySetResult(host), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private void Deactivate()
    {
        lock (_gate)
        {
            foreach (IDisposable subscription in _subscriptions)
            {
                subscription.Dispose();
            }

            _subscriptions.Clear();
        }
    }

    void IObserver<DiagnosticListener>.OnCompleted()
    {
    }

    void IObserver<DiagnosticListener>.OnError(Exception error)
    {
    }

    void IObserver<KeyValuePair<string, object?>>.OnCompleted()
    {
    }

    void IObserver<KeyValuePair<string, object?>>.OnError(Exception error)
    {
    }

    private sealed class Deactivation(HostCapture capture, HostCapture? previous) : IDisposable
    {
        public void Dispose()
        {
            capture.Deactivate();
            s_current.Value = previous;
        }
    }
}
