using Unicornet.Logging.Metrics;
using Unicornet.Platform;

namespace Unicornet.Arbitration;

/// <summary>
/// The master's one thread of control: tops the pool up, then waits for an event (signal, worker exit,
/// control command, stacks read) or the next second's tick, and dispatches it to the part that owns it.
/// </summary>
internal sealed class MainLoop
{
    private readonly MasterContext _ctx;
    private readonly WorkerPool _pool;
    private readonly WorkerTimeouts _timeouts;
    private readonly Reloader _reloader;
    private readonly Upgrader _upgrader;
    private readonly ControlEndpoint _control;
    private readonly Shutdown _shutdown;
    private BacklogProbe? _backlog;

    public MainLoop(MasterContext ctx, WorkerPool pool, WorkerTimeouts timeouts, Reloader reloader, Upgrader upgrader, ControlEndpoint control, Shutdown shutdown)
    {
        _ctx = ctx;
        _pool = pool;
        _timeouts = timeouts;
        _reloader = reloader;
        _upgrader = upgrader;
        _control = control;
        _shutdown = shutdown;
    }

    private ILog Log => _ctx.Log;

    /// <summary>Runs until the master stops; returns its exit code.</summary>
    public int Run()
    {
        long nextTick = Environment.TickCount64;
        while (true)
        {
            if (!_ctx.Stopping)
            {
                _pool.Manage();
            }

            _ctx.Events.Wait(Math.Min(nextTick - Environment.TickCount64, _shutdown.DelayRemaining));
            while (_ctx.Events.TryRead(out MasterEvent? e))
            {
                if (Handle(e) is int code)
                {
                    return code;
                }
            }

            if (_shutdown.CheckDelay() is int stopped)
            {
                return stopped;
            }

            if (Environment.TickCount64 >= nextTick)
            {
                nextTick = Environment.TickCount64 + 1000;
                Tick();
            }
        }
    }

    private int? Handle(MasterEvent e)
    {
        switch (e.Kind)
        {
            case EventKind.WorkerExited:
                return _pool.Reap(e.Worker!) is int code ? _shutdown.Stop(graceful: false, code) : null;
            case EventKind.Control:
                _control.RunPending();
                return null;
            case EventKind.UpgradeChildExited:
                _upgrader.OnChildExited();
                return null;
            case EventKind.StacksRead:
                _timeouts.OnStacksRead(e.Worker!, e.Stacks!);
                return null;
            default:
                return OnSignal(e.Signal);
        }
    }

    private int? OnSignal(int signal)
    {
        Log.HandlingSignal(Signals.Name(signal).ToLowerInvariant());
        switch (signal)
        {
            case Signals.SIGTERM:
                return _shutdown.OnTerm();
            case Signals.SIGINT:
            case Signals.SIGQUIT:
                // During a shutdown_delay too: INT and QUIT stay quick.
                return _shutdown.Stop(graceful: false);
            case Signals.SIGHUP or Signals.SIGUSR2 when _shutdown.Delaying:
                // A reload or an upgrade of an instance on its way out would only race the stop.
                Log.IgnoredWhileStopping(Signals.Name(signal));
                break;
            case Signals.SIGHUP:
                _reloader.Reload();
                break;
            case Signals.SIGTTIN:
                _pool.SetTarget(_pool.Target + 1);
                break;
            case Signals.SIGTTOU when _pool.Target > 1:
                _pool.SetTarget(_pool.Target - 1);
                break;
            case Signals.SIGUSR1:
                Log.Reopen();
                _pool.ForEachLive(w => Signals.Send(w.Pid, Signals.SIGUSR1));
                _ctx.Dirty?.Signal(Signals.SIGUSR1);
                break;
            case Signals.SIGUSR2:
                _upgrader.Reexec();
                break;
            case Signals.SIGWINCH:
                OnWinch();
                break;
        }

        return null;
    }

    /// <summary>WINCH stops the workers of a daemonized master (gunicorn's rule), and is ignored otherwise.</summary>
    private void OnWinch()
    {
        if (ProcessOrigin.Daemonized || _ctx.Config.Options.Arbiter.Daemon)
        {
            Log.GracefulStopOfWorkers();
            _pool.SetTarget(0);
            _pool.ForEachLive(w => _pool.Retire(w, Signals.SIGTERM));
        }
        else
        {
            Log.WinchIgnored();
        }
    }

    private void Tick()
    {
        _timeouts.Check();
        SendMetrics();
        _timeouts.CheckMemory();
        _reloader.CheckWatchedFiles();
        if (_upgrader.CheckPromotion())
        {
            _control.Start();
        }

        if (_ctx.Dirty is not null && !_ctx.Stopping && _ctx.Dirty.CheckAndRestart())
        {
            Log.DirtyRestarted();
        }
    }

    private void SendMetrics()
    {
        if (_ctx.Statsd is not { } statsd)
        {
            return;
        }

        statsd.Gauge("unicornet.workers", _pool.All.Count(w => !w.Exited));
        if (_ctx.Config.Options.Metrics.EnableBacklogMetric)
        {
            _backlog ??= new BacklogProbe(_ctx.Listeners.Select(l => l.Fd));
            if (_backlog.Read() is int queued)
            {
                statsd.Histogram("unicornet.backlog", queued);
            }
        }
    }
}
