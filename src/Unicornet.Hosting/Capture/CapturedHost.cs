using System.Reflection;
using System.Runtime.Loader;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Unicornet.Hosting.AppLoading;
using Unicornet.Hosting.Server;

namespace Unicornet.Hosting.Capture;

/// <summary>
/// A captured ASP.NET Core app on its way up or running: the task that runs it (the entry point
/// thread, or StartAsync for a host a factory returned) and the capture that watches its host.
/// </summary>
internal sealed class CapturedHost
{
    private readonly HostCapture _capture;
    private readonly Task _main;
    private readonly bool _ownsHostLifecycle;
    private readonly string _label;
    private readonly TimeSpan _startupTimeout;
    private IHost? _host;

    private CapturedHost(HostCapture capture, Task main, bool ownsHostLifecycle, string label, TimeSpan startupTimeout)
    {
        _capture = capture;
        _main = main;
        _ownsHostLifecycle = ownsHostLifecycle;
        _label = label;
        _startupTimeout = startupTimeout;
    }

    /// <summary>The served host once started.</summary>
    public IHost? Host => _host;

    /// <summary>Completes when the app's entry point returns (or its start finished, for factory hosts).</summary>
    public Task Main => _main;

    /// <summary>Completes when the app is over: its entry point returned, or (factory hosts) the host stopped.</summary>
    public Task Ended { get; private init; } = Task.CompletedTask;

    /// <summary>
    /// Runs the entry point on a dedicated thread (the app's Main blocks in app.Run for its whole life)
    /// inside the app's contextual reflection scope, so framework code that loads the app by name finds it.
    /// </summary>
    public static CapturedHost RunEntryPoint(HostCapture capture, AssemblyLoadContext alc, MethodInfo entryPoint, string[] args, string label, TimeSpan startupTimeout)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            capture.Enter();
            using AssemblyLoadContext.ContextualReflectionScope scope = alc.EnterContextualReflection();
            try
            {
                object?[]? parameters = entryPoint.GetParameters().Length == 0 ? null : [args];
                object? result = entryPoint.Invoke(null, parameters);
                if (result is Task task)
                {
                    task.GetAwaiter().GetResult();
                }

                done.TrySetResult();
            }
            catch (Exception ex)
            {
                done.TrySetException(MemberResolver.Unwrap(ex));
            }
        })
        {
            IsBackground = true,
            Name = "app-main",
        };
        thread.Start();
        return new CapturedHost(capture, done.Task, ownsHostLifecycle: false, label, startupTimeout) { Ended = done.Task };
    }

    /// <summary>Starts a host that a factory returned (already built under the capture).</summary>
    public static CapturedHost StartHost(HostCapture capture, IHost host, string label, TimeSpan startupTimeout)
    {
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopped.Register(() => stopped.TrySetResult());
        Task start = Task.Run(() => host.StartAsync());
        return new CapturedHost(capture, start, ownsHostLifecycle: true, label, startupTimeout) { _host = host, Ended = stopped.Task };
    }

    /// <summary>
    /// Waits until the host started (bridge mode) or reached the gate (kestrel mode). A failure of
    /// the app on the way becomes an <see cref="AppLoadException"/> carrying the app's exception.
    /// </summary>
    public IHost WaitUntil(bool started)
    {
        Task<IHost> target = started ? _capture.Started : WhenEither(_capture.GateReached, _capture.Started);
        Task first;
        try
        {
            first = Task.WhenAny(target, _main).WaitAsync(_startupTimeout).GetAwaiter().GetResult();
        }
        catch (TimeoutException)
        {
            throw new AppLoadException($"'{_label}' did not start within {_startupTimeout.TotalSeconds:0} s.");
        }

        if (target.IsCompletedSuccessfully)
        {
            _host = target.Result;
            return _host;
        }

        if (_main.IsFaulted)
        {
            Exception ex = MemberResolver.Unwrap(_main.Exception!.InnerException!);
            throw new AppLoadException($"'{_label}' failed to start: {ex.GetType().FullName}: {ex.Message}", ex);
        }

        if (_main.IsCanceled)
        {
            throw new AppLoadException($"'{_label}' failed to start: its start was canceled.");
        }

        // The entry point returned without running a host we could capture (a CLI subcommand, a
        // legacy WebHost, or a catch-all in Main that swallowed the start-up error).
        _ = first;
        throw new AppLoadException($"'{_label}' returned before starting a web host unicornet could capture (only apps built with WebApplication, HostApplicationBuilder or Host.CreateDefaultBuilder can be served).");
    }

    /// <summary>The served host's request delegate (bridge mode).</summary>
    public RequestDelegate Bridge()
    {
        IHost host = _host ?? throw new InvalidOperationException("the host has not started");
        if (host.Services.GetService<IServer>() is not BridgeServer bridge || !bridge.IsStarted)
        {
            throw new AppLoadException($"'{_label}' started a host that is not a web host (no web server was started in it).");
        }

        return bridge.Handler;
    }

    /// <summary>Opens the gate (kestrel mode) and waits until the host started.</summary>
    public IHost OpenAndWait()
    {
        _capture.OpenGate();
        return WaitUntil(started: true);
    }

    /// <summary>Stops the app: StopApplication, then wait for its Main to return (or StopAsync for factory hosts).</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        IHost? host = _host;
        if (host is null)
        {
            return;
        }

        using var cts = new CancellationTokenSource(timeout);
        if (_ownsHostLifecycle)
        {
            try
            {
                await host.StopAsync(cts.Token).ConfigureAwait(false);
            }
            finally
            {
                if (host is IAsyncDisposable asyncDisposable)
                {
                    await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                }
                else
                {
                    host.Dispose();
                }
            }

            return;
        }

        host.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        try
        {
            await _main.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The app's Main is stuck after the stop; the worker exits anyway (background thread).
        }
    }

    private static Task<IHost> WhenEither(Task<IHost> a, Task<IHost> b) =>
        Task.WhenAny(a, b).Unwrap();
}
