using System.Globalization;
using System.Runtime.CompilerServices;
using Unicornet.Config;
using Unicornet.Config.Hooks;
using Unicornet.Dirty;
using Unicornet.Logging;
using Unicornet.Logging.Metrics;
using Unicornet.Platform;
using Unicornet.Supervision.Hooks;

namespace Unicornet.Arbitration;

/// <summary>
/// The master (gunicorn's Arbiter): owns the listeners, spawns and supervises workers, and turns
/// signals into actions. This type starts it: it puts the parts together (the worker pool, timeouts,
/// reload, upgrade, the control socket, shutdown), runs the start-up sequence, then hands over to the
/// <see cref="MainLoop"/>.
/// </summary>
internal sealed class Master
{
    private readonly UnicornetConfig _initial;
    private readonly Func<UnicornetConfig> _reload;
    private readonly ProcessOrigin _origin = new();

    public Master(UnicornetConfig config, Func<UnicornetConfig> reload)
    {
        _initial = config;
        _reload = reload;
    }

    public int Run()
    {
        if (_initial.Options.Arbiter.Daemon && !ProcessOrigin.Daemonized && Environment.GetEnvironmentVariable(ProcessOrigin.UpgradePidVariable) is null)
        {
            return _origin.Daemonize();
        }

        Reloader.ApplyProcessSettings(_initial);
        StatsdClient? statsd = LoggingSetup.Statsd(_initial);
        using var log = new UnicornetLog(LoggingSetup.Options(_initial, "master", statsd));
        try
        {
            using var parts = new Parts(new MasterContext(log, statsd, new Generations(_initial)), _origin, _reload);
            return parts.Start();
        }
        catch (Exception e)
        {
            log.UnhandledException(e);
            return 1;
        }
    }

    /// <summary>The master's parts, each owning its state, and the start-up sequence that wires them.</summary>
    private sealed class Parts : IDisposable
    {
        private readonly MasterContext _ctx;
        private readonly WorkerPool _pool;
        private readonly WorkerTimeouts _timeouts;
        private readonly Reloader _reloader;
        private readonly Upgrader _upgrader;
        private readonly MasterSignals _signals = new();
        private readonly ControlEndpoint _control;
        private readonly Shutdown _shutdown;

        public Parts(MasterContext ctx, ProcessOrigin origin, Func<UnicornetConfig> reload)
        {
            _ctx = ctx;
            _pool = new WorkerPool(ctx);
            _timeouts = new WorkerTimeouts(ctx, _pool);
            _reloader = new Reloader(ctx, _pool, reload);
            _upgrader = new Upgrader(ctx, origin);
            _control = new ControlEndpoint(ctx, _pool, _reloader, _signals);
            _shutdown = new Shutdown(ctx, _pool, _upgrader, _control, _signals, _timeouts);
            UnicornetConfig config = ctx.Config;
            ctx.View = new ArbiterView(ctx.Pid, () => ctx.Config, ctx.Log, () => _pool.Target, () => _pool.All.Select(w => (Worker)w.View).ToArray(), config.AppModule, config.Options.Arbiter.ProcName);
        }

        private ILog Log => _ctx.Log;

        /// <summary>Releases the signal handlers and the stack reads on every way out of <see cref="Start"/>, including a throw.</summary>
        public void Dispose()
        {
            _timeouts.Dispose();
            _signals.Dispose();
        }

        public int Start()
        {
            UnicornetConfig config = _ctx.Config;
            config.Hooks.UseLog(_ctx.Log);
            string? inheritedFds = _upgrader.TakeInheritedFds();
            Log.Starting(typeof(Master).Assembly.GetName().Version?.ToString(3) ?? "0");
            if (!CreatePidFile())
            {
                return 1;
            }

            ProcessInfo.SetTitle("master [" + _upgrader.ProcName + "]");
            if (!TryHook(HookNames.OnStarting))
            {
                return _shutdown.Halt(1, "on_starting failed");
            }

            _signals.Install(_ctx);
            if (!BindListeners(inheritedFds))
            {
                return _shutdown.Halt(1, "cannot bind");
            }

            _ctx.Generations.CreateRunDirectory(config.Options.Arbiter.WorkerTmpDir ?? Path.GetTempPath(), _ctx.Pid);
            StartMetrics();
            Log.UsingWorker(config.Options.Worker.WorkerClassName);
            StartDirty();
            if (config.Options.Arbiter.PreloadApp && !_pool.PreloadCheck())
            {
                return _shutdown.Halt(4, "preload failed");
            }

            if (!TryHook(HookNames.WhenReady))
            {
                return _shutdown.Halt(1, "when_ready failed");
            }

            SystemdNotify.Send("READY=1\nSTATUS=serving\nMAINPID=" + _ctx.Pid.ToString(CultureInfo.InvariantCulture));
            _pool.ResetTarget(config.Options.Worker.Workers);
            config.Hooks.Invoke(HookNames.NworkersChanged, _ctx.View, config.Options.Worker.Workers, null);
            _reloader.WatchFiles();
            _control.Start();
            return new MainLoop(_ctx, _pool, _timeouts, _reloader, _upgrader, _control, _shutdown).Run();
        }

        private bool CreatePidFile()
        {
            if (_upgrader.PidFilePath(_ctx.Config.Options.Arbiter.Pidfile) is not { } path)
            {
                return true;
            }

            _ctx.PidFile = new PidFile(path);
            try
            {
                _ctx.PidFile.Create(_ctx.Pid);
                return true;
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException)
            {
                Log.StartupFailed(e.Message);
                _ctx.PidFile = null;
                return false;
            }
        }

        private bool TryHook(string hook)
        {
            try
            {
                _ctx.Config.Hooks.Invoke(hook, _ctx.View);
                return true;
            }
            catch (HookFailedException)
            {
                return false;
            }
        }

        private bool BindListeners(string? inheritedFds)
        {
            try
            {
                _ctx.Listeners = ListenerBinder.Create(_ctx.Config, _ctx.Log, inheritedFds);
            }
            catch (Exception e) when (e is ListenerException or System.Net.Sockets.SocketException or IOException or UnauthorizedAccessException)
            {
                Log.StartupFailed(e.Message);
                return false;
            }

            if (_upgrader.Parent is not null)
            {
                foreach (Listener l in _ctx.Listeners)
                {
                    Log.ListeningAtInherited(l.ToString(), _ctx.Pid);
                }
            }

            return true;
        }

        private void StartMetrics()
        {
            if (_ctx.Config.Options.Metrics.Bind is not null)
            {
                // Before the first worker, so /readyz answers 503 while they boot.
                _ctx.Metrics = new MetricsRegistry { Reloads = () => _reloader.Count };
                _ctx.MetricsEndpoint = MetricsEndpoint.Start(_ctx, _ctx.Metrics, _ctx.Config);
            }
        }

        private void StartDirty()
        {
            // Checked here, not by the supervisor: a master without dirty apps never loads the dirty pool's code.
            if (_ctx.Config.Options.Dirty.Enabled)
            {
                StartDirtyArbiter();
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private void StartDirtyArbiter()
        {
            // As in gunicorn, the dirty arbiter starts before when_ready and before the first workers,
            // which get its socket path in their environment.
            IDirtySupervisor dirty = new DirtySupervisor(new DirtyArbiterSupervisor(_ctx.Config, _ctx.Log, _ctx.Generations.CurrentSnapshot, upgrade: _upgrader.Parent is not null));
            _ctx.Dirty = dirty;
            dirty.Start();
        }
    }
}
