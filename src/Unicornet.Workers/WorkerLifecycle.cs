using System.Net.Sockets;
using Unicornet.Config.Hooks;
using Unicornet.Hosting.AppLoading;
using Unicornet.Platform;
using Unicornet.Supervision;
using Unicornet.Workers.Boot;
using Unicornet.Workers.Classes;
using Unicornet.Workers.Metrics;

namespace Unicornet.Workers;

/// <summary>
/// A worker's life in gunicorn's order: post_fork, drop privileges, load the app, post_worker_init, serve;
/// worker_exit, stop the app and close the listeners when serving ends. Returns the exit status: 0, 3 (boot
/// error) or 4 (app load error). Runs as a task beside the main loop, which handles signals meanwhile.
/// </summary>
internal sealed class WorkerLifecycle
{
    private readonly WorkerContext _worker;
    private readonly IWorkerClass _class;
    private readonly IReadOnlyList<Socket> _listeners;
    private WorkerMetrics? _metrics;

    public WorkerLifecycle(WorkerContext worker, IWorkerClass workerClass, IReadOnlyList<Socket> listeners)
    {
        _worker = worker;
        _class = workerClass;
        _listeners = listeners;
    }

    public async Task<int> RunAsync()
    {
        if (!Boot())
        {
            return WorkerEnvironment.BootErrorExitCode;
        }

        IWorkerServer? server;
        try
        {
            server = _class.Load(_worker, CreateEvents());
        }
        catch (WorkerBootException)
        {
            return WorkerEnvironment.BootErrorExitCode;
        }

        if (server is null)
        {
            return WorkerEnvironment.AppLoadErrorExitCode;
        }

        try
        {
            _worker.Hooks.Invoke(HookNames.PostWorkerInit, _worker.View);
        }
        catch (HookFailedException e)
        {
            _worker.Log.BootFailed(e.Message);
            return WorkerEnvironment.BootErrorExitCode;
        }

        Ready();
        if (!await ServeAsync(server).ConfigureAwait(false))
        {
            return WorkerEnvironment.AppLoadErrorExitCode;
        }

        await ShutdownAsync(server.App).ConfigureAwait(false);
        return 0;
    }

    /// <summary>Binds the hooks, runs post_fork and drops privileges; false (logged) on a boot error.</summary>
    private bool Boot()
    {
        try
        {
            _worker.BindHooks();
            _worker.Hooks.Invoke(HookNames.PostFork, _worker.Server, _worker.View);
            PrivilegeDrop.Apply(_worker.Config);
            return true;
        }
        catch (Exception e)
        {
            if (e is not (HookFailedException or PrivilegeSwitchException))
            {
                _worker.Log.BootCrashed(e);
            }

            _worker.Log.BootFailed(e.Message);
            return false;
        }
    }

    private WorkerServingEvents CreateEvents()
    {
        int maxRequests = _worker.Config.Options.Worker.MaxRequests;
        int jitter = _worker.Config.Options.Worker.MaxRequestsJitter;
        long limit = maxRequests > 0 ? maxRequests + (jitter > 0 ? Random.Shared.Next(0, jitter + 1) : 0) : 0;
        _worker.RequestLog = RequestLog.Create(_worker.Config, _worker.Log);
        _metrics = WorkerMetrics.Start(_worker.Config, _worker.Heartbeat.Path);
        var events = new WorkerServingEvents(_worker, limit, _worker.RequestLog, _worker.Log.Options.Statsd, logAppErrors: _class.LogsAppErrors)
        {
            Metrics = _metrics?.File,
        };
        _worker.View.InFlightSource = events.InFlight.Snapshot;
        if (_class.BusyAt(_worker) is int busyAt and > 0)
        {
            _worker.ReportBusySince(events.InFlight, busyAt);
        }

        return events;
    }

    private void Ready()
    {
        _worker.View.IsBooted = true;
        _worker.Heartbeat.Phase = WorkerPhase.Ready;
        _worker.Beat();
        double readyMs = ProcessInfo.MillisecondsSinceStart() ?? 0;
        _worker.Log.Booted(ProcessInfo.Pid, readyMs);
        _worker.Log.StartupJit(System.Runtime.JitInfo.GetCompiledMethodCount(), System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds);
    }

    /// <summary>Serves until stopped; false when the app failed to start (kestrel: after the lifetime gate opened).</summary>
    private async Task<bool> ServeAsync(IWorkerServer server)
    {
        try
        {
            await server.RunAsync(_listeners, _worker.Graceful, _worker.Immediate).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        catch (AppLoadException e)
        {
            _worker.Log.AppLoadFailed(e, _worker.Config.AppModule ?? "");
            return false;
        }
        catch (Exception e)
        {
            _worker.Log.ServingLoopFailed(e);
        }

        return true;
    }

    private async Task ShutdownAsync(LoadedApp app)
    {
        // The serving loop has taken what was queued: let the listeners go now, before worker_exit and the app's
        // own shutdown, so connections that come meanwhile are refused at once (or taken by the other workers)
        // instead of queueing behind a worker that will not accept them.
        foreach (Socket l in _listeners)
        {
            l.Dispose();
        }

        _worker.Heartbeat.Phase = WorkerPhase.Stopping;
        _worker.Hooks.Invoke(HookNames.WorkerExit, _worker.Server, _worker.View);
        _metrics?.Publish();
        if (app.Dispose is not null)
        {
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await app.Dispose().WaitAsync(cts.Token).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                _worker.Log.AppShutdownFailed(e.Message);
            }
        }

        _worker.Log.Exiting(ProcessInfo.Pid);
    }
}
