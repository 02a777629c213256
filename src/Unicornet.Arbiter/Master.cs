using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using Unicornet.Config;
using Unicornet.Config.Hooks;
using Unicornet.Logging;
using Unicornet.Platform;
using Unicornet.Supervision.Hooks;
using Unicornet.Config.Snapshot;
using Unicornet.Supervision;

using Unicornet.Dirty;

namespace Unicornet.Arbitration;

/// <summary>
/// The master (gunicorn's Arbiter): owns the listeners, spawns and supervises workers, and turns
/// signals into actions. Signal handlers only enqueue; one loop on the main thread does the work,
/// waking for queued events or every second.
/// </summary>
internal sealed partial class Master
{
    private const string UpgradePidVariable = "UNICORNET_PID";
    private const string UpgradeFdsVariable = "UNICORNET_FDS";
    private const string DaemonizedVariable = "UNICORNET_DAEMONIZED";

    private readonly Func<UnicornetConfig> _reload;
    private readonly Channel<MasterEvent> _events = Channel.CreateUnbounded<MasterEvent>();
    private readonly List<WorkerHandle> _workers = [];
    private readonly List<PosixSignalRegistration> _signals = [];
    private readonly Dictionary<int, UnicornetConfig> _generations = [];
    private readonly int _pid = ProcessInfo.Pid;
    private readonly string _originalCwd = Directory.GetCurrentDirectory();
    private readonly string[] _argv = ReadOwnArgv();
    private readonly Dictionary<string, string> _originalEnv = OriginalEnvironment();
    private UnicornetConfig _config;
    private UnicornetLog _log = null!;
    private ArbiterView _view = null!;
    private List<Listener> _listeners = [];
    private PidFile? _pidfile;
    private string _runDir = "";
    private int _target;
    private int _age;
    private int _generation;
    private int? _fallbackGeneration;
    private int? _upgradeParent;
    private Process? _upgradeChild;
    private bool _stopping;
    private bool _reloading;
    private DirtyArbiterSupervisor? _dirty;
    private Unicornet.Logging.Metrics.StatsdClient? _statsd;
    private Unicornet.Logging.Metrics.BacklogProbe? _backlog;
    private readonly Dictionary<string, DateTime> _watched = [];

    public Master(UnicornetConfig config, Func<UnicornetConfig> reload)
    {
        _config = config;
        _reload = reload;
    }

    private enum EventKind
    {
        Signal,
        WorkerExited,
        UpgradeChildExited,
        Control,
    }

    private readonly record struct MasterEvent(EventKind Kind, int Signal = 0, WorkerHandle? Worker = null);

    private string ProcName => _config.Options.Arbiter.ProcName + (_upgradeParent is null ? "" : ".2");

    private bool Daemonized => Environment.GetEnvironmentVariable(DaemonizedVariable) == "1";

    public int Run()
    {
        if (_config.Options.Arbiter.Daemon && !Daemonized && Environment.GetEnvironmentVariable(UpgradePidVariable) is null)
        {
            return Daemonize();
        }

        ApplyProcessSettings(_config);
        _statsd = LoggingSetup.Statsd(_config);
        _log = new UnicornetLog(LogOptionsFor(_config));
        try
        {
            return RunLogged();
        }
        catch (Exception e)
        {
            _log.Exception(e, "Unhandled exception in main loop");
            return 1;
        }
        finally
        {
            _log.Dispose();
        }
    }

    private int RunLogged()
    {
        _config.Hooks.UseLog(_log);
        _view = new ArbiterView(_pid, () => _config, _log, () => _target, () => _workers.Select(w => (Worker)w.View).ToArray(), _config.AppModule, _config.Options.Arbiter.ProcName);
        if (int.TryParse(Environment.GetEnvironmentVariable(UpgradePidVariable), NumberStyles.None, CultureInfo.InvariantCulture, out int parent) && parent == ProcessInfo.ParentPid)
        {
            _upgradeParent = parent;
        }

        string? inheritedFds = _upgradeParent is null ? null : Environment.GetEnvironmentVariable(UpgradeFdsVariable);
        Environment.SetEnvironmentVariable(UpgradeFdsVariable, null);

        _log.Info("Starting unicornet {Version}", typeof(Master).Assembly.GetName().Version?.ToString(3) ?? "0");
        if (_config.Options.Arbiter.Pidfile is { } pidPath)
        {
            _pidfile = new PidFile(_upgradeParent is null ? pidPath : pidPath + ".2");
            try
            {
                _pidfile.Create(_pid);
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException)
            {
                _log.Error("{Error}", e.Message);
                _pidfile = null;
                return 1;
            }
        }

        ProcessInfo.SetTitle("master [" + ProcName + "]");
        try
        {
            _config.Hooks.Invoke(HookNames.OnStarting, _view);
        }
        catch (HookFailedException)
        {
            return Halt(1, "on_starting failed");
        }

        InstallSignals();
        try
        {
            _listeners = ListenerBinder.Create(_config, _log, inheritedFds);
        }
        catch (Exception e) when (e is ListenerException or System.Net.Sockets.SocketException or IOException or UnauthorizedAccessException)
        {
            _log.Error("{Error}", e.Message);
            return Halt(1, "cannot bind");
        }

        if (_upgradeParent is not null)
        {
            foreach (Listener l in _listeners)
            {
                _log.Info("Listening at: {Listener} ({Pid}) (inherited)", l.ToString(), _pid);
            }
        }

        _runDir = Path.Combine(_config.Options.Arbiter.WorkerTmpDir ?? Path.GetTempPath(), $"unicornet-{_pid}-{Guid.NewGuid():N}"[..32]);
        Directory.CreateDirectory(_runDir);
        WriteSnapshot(_config, _generation);
        _log.Info("Using worker: {WorkerClass}", _config.Options.Worker.WorkerClassName);

        if (DirtyArbiterSupervisor.IsEnabled(_config))
        {
            // As in gunicorn, the dirty arbiter starts before when_ready and before the first workers,
            // which get its socket path in their environment.
            _dirty = new DirtyArbiterSupervisor(_config, _log, SnapshotPath(_generation), upgrade: _upgradeParent is not null);
            _dirty.Start();
        }

        if (_config.Options.Arbiter.PreloadApp && !PreloadCheck())
        {
            return Halt(4, "preload failed");
        }

        try
        {
            _config.Hooks.Invoke(HookNames.WhenReady, _view);
        }
        catch (HookFailedException)
        {
            return Halt(1, "when_ready failed");
        }

        SystemdNotify.Send("READY=1\nSTATUS=serving\nMAINPID=" + _pid.ToString(CultureInfo.InvariantCulture));
        _target = _config.Options.Worker.Workers;
        _config.Hooks.Invoke(HookNames.NworkersChanged, _view, _target, null);
        WatchFilesInit();
        StartControlServer();
        return Loop();
    }

    private int Loop()
    {
        long nextTick = Environment.TickCount64;
        while (true)
        {
            if (!_stopping)
            {
                ManageWorkers();
            }

            long wait = Math.Max(0, nextTick - Environment.TickCount64);
            if (wait > 0)
            {
                using var cts = new CancellationTokenSource((int)wait);
                try
                {
                    _events.Reader.WaitToReadAsync(cts.Token).AsTask().GetAwaiter().GetResult();
                }
                catch (OperationCanceledException)
                {
                }
            }

            while (_events.Reader.TryRead(out MasterEvent e))
            {
                int? exit = Handle(e);
                if (exit is int code)
                {
                    return code;
                }
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
                return Reap(e.Worker!);
            case EventKind.Control:
                _controlQueue?.RunPending();
                return null;
            case EventKind.UpgradeChildExited:
                _log.Info("Upgrade master (pid:{Pid}) exited with code {Code}", _upgradeChild?.Id ?? 0, SafeExitCode(_upgradeChild));
                _upgradeChild = null;
                return null;
            default:
                return OnSignal(e.Signal);
        }
    }

    private int? OnSignal(int signal)
    {
        _log.Info("Handling signal: {Signal}", Signals.Name(signal).ToLowerInvariant());
        switch (signal)
        {
            case Signals.SIGTERM:
                return Stop(graceful: true);
            case Signals.SIGINT:
            case Signals.SIGQUIT:
                return Stop(graceful: false);
            case Signals.SIGHUP:
                Reload();
                return null;
            case Signals.SIGTTIN:
                SetTarget(_target + 1);
                return null;
            case Signals.SIGTTOU:
                if (_target > 1)
                {
                    SetTarget(_target - 1);
                }

                return null;
            case Signals.SIGUSR1:
                _log.Reopen();
                ForEachLive(w => Signals.Send(w.Pid, Signals.SIGUSR1));
                _dirty?.Signal(Signals.SIGUSR1);
                return null;
            case Signals.SIGUSR2:
                Reexec();
                return null;
            case Signals.SIGWINCH:
                if (Daemonized || _config.Options.Arbiter.Daemon)
                {
                    _log.Info("graceful stop of workers");
                    SetTarget(0);
                    ForEachLive(w => Retire(w, Signals.SIGTERM));
                }
                else
                {
                    _log.Debug("SIGWINCH ignored. Not daemonized");
                }

                return null;
            default:
                return null;
        }
    }

    private void SetTarget(int value)
    {
        int old = _target;
        _target = value;
        _log.Info("Number of workers: {Old} -> {New}", old, value);
        _config.Hooks.Invoke(HookNames.NworkersChanged, _view, value, old);
    }

    /// <summary>Tops the current generation up to the target, and retires surplus and old-generation workers.</summary>
    private void ManageWorkers()
    {
        List<WorkerHandle> current = _workers.Where(w => w.Generation == _generation && w.SignalledAt == 0 && w.AbortedAt == 0 && !w.Exited).ToList();
        for (int i = current.Count; i < _target; i++)
        {
            WorkerHandle? spawned = Spawn();
            if (spawned is null)
            {
                break;
            }

            current.Add(spawned);
        }

        if (current.Count > _target)
        {
            foreach (WorkerHandle w in current.OrderBy(w => w.Age).Take(current.Count - _target))
            {
                Retire(w, Signals.SIGTERM);
            }
        }

        // Old workers leave only once their replacements serve: a reload never drops to zero capacity.
        List<WorkerHandle> old = _workers.Where(w => w.Generation != _generation && w.SignalledAt == 0 && !w.Exited).ToList();
        if (old.Count > 0 && current.Take(_target).All(w => w.Ready))
        {
            foreach (WorkerHandle w in old)
            {
                Retire(w, Signals.SIGTERM);
            }
        }

        if (_reloading && old.Count == 0 && current.All(w => w.Ready))
        {
            _reloading = false;
            _fallbackGeneration = null;
            SystemdNotify.Send("READY=1\nSTATUS=serving");
            _log.Info("Reload complete: {Count} worker(s) running generation {Generation}", current.Count, _generation);
        }
    }

    private WorkerHandle? Spawn()
    {
        UnicornetConfig config = _generations[_generation];
        int age = ++_age;
        var view = new WorkerView(age, _pid, () => config, _log, config.Options.Worker.WorkerClassName);
        HeartbeatFile heartbeat;
        try
        {
            heartbeat = HeartbeatFile.Create(Path.Combine(_runDir, "hb-" + age.ToString(CultureInfo.InvariantCulture)));
        }
        catch (IOException e)
        {
            _log.Error("Cannot create a heartbeat file in {Dir}: {Error}", _runDir, e.Message);
            return null;
        }

        var worker = new WorkerHandle(age, _generation, view, heartbeat);
        config.Hooks.Invoke(HookNames.PreFork, _view, view);
        try
        {
            worker.Process = WorkerSpawner.Start(worker, SnapshotPath(_generation), FdList(), _pid, extra: _dirty?.WorkerEnvironment);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            _log.Error("Cannot start a worker: {Error}", e.Message);
            heartbeat.Dispose();
            return null;
        }

        view.ProcessId = worker.Process.Id;
        _workers.Add(worker);
        _spawnedCount++;
        _log.Debug("Spawned worker (pid: {Pid}, age {Age}, generation {Generation})", view.ProcessId, age, _generation);
        Process p = worker.Process;
        _ = p.WaitForExitAsync().ContinueWith(_ => _events.Writer.TryWrite(new MasterEvent(EventKind.WorkerExited, Worker: worker)), TaskScheduler.Default);
        return worker;
    }

    private void Retire(WorkerHandle w, int signal)
    {
        if (w.Exited)
        {
            return;
        }

        w.View.Stopping = true;
        if (w.SignalledAt == 0)
        {
            w.SignalledAt = Environment.TickCount64;
        }

        if (!Signals.Send(w.Pid, signal))
        {
            _config.Hooks.Invoke(HookNames.WorkerExit, _view, w.View);
        }
    }

    private int? Reap(WorkerHandle w)
    {
        if (w.Exited)
        {
            return null;
        }

        w.Exited = true;
        _workers.Remove(w);
        int code = SafeExitCode(w.Process);
        w.Heartbeat.Dispose();
        TryDelete(w.Heartbeat.Path);
        w.Process?.Dispose();
        bool expected = w.SignalledAt != 0 || w.AbortedAt != 0 || _stopping;
        if (code == 137 && !expected)
        {
            _log.Error("Worker (pid:{Pid}) was sent SIGKILL! Perhaps out of memory?", w.Pid);
        }
        else if (code != 0 && !expected && code is not (3 or 4))
        {
            _log.Error("Worker (pid:{Pid}) exited with code {Code}", w.Pid, code);
        }
        else
        {
            // The worker logs its own "Worker exiting" line; repeating it here doubled every exit in the log.
            _log.Debug("Worker reaped (pid: {Pid}, exit code {Code})", w.Pid, code);
        }

        _generations.GetValueOrDefault(w.Generation, _config).Hooks.Invoke(HookNames.ChildExit, _view, w.View);
        if (code is 3 or 4 && !expected)
        {
            string reason = code == 3 ? "Worker failed to boot." : "App failed to load.";
            if (_fallbackGeneration is int fallback && w.Generation == _generation && _workers.Any(o => o.Generation == fallback && !o.Exited))
            {
                _log.Error("Reload failed: {Reason} (pid:{Pid}); keeping the previous configuration and workers", reason, w.Pid);
                _generation = fallback;
                _config = _generations[fallback];
                _fallbackGeneration = null;
                _reloading = false;
                foreach (WorkerHandle n in _workers.Where(o => o.Generation != fallback).ToList())
                {
                    Retire(n, Signals.SIGTERM);
                }

                return null;
            }

            if (!_stopping)
            {
                _log.Error("Worker (pid:{Pid}) exited with code {Code}.", w.Pid, code);
                _log.Error("Reason: {Reason}", reason);
                return Stop(graceful: false, code);
            }
        }

        return null;
    }

    private void Tick()
    {
        long now = Environment.TickCount64;
        int timeout = _config.Options.Worker.Timeout;
        int graceful = _config.Options.Worker.GracefulTimeout;
        int bootTimeout = _config.Options.Arbiter.BootTimeout;
        foreach (WorkerHandle w in _workers.ToList())
        {
            if (w.Exited)
            {
                continue;
            }

            if (w.AbortedAt != 0)
            {
                if (now - w.AbortedAt > 2000)
                {
                    Kill(w, "did not exit after SIGABRT");
                }

                continue;
            }

            if (w.SignalledAt != 0)
            {
                if (now - w.SignalledAt > graceful * 1000L)
                {
                    Kill(w, $"did not stop within graceful_timeout ({graceful} s)");
                }

                continue;
            }

            WorkerPhase phase = w.Heartbeat.Phase;
            if (phase == WorkerPhase.Booting)
            {
                if (bootTimeout > 0 && now - w.StartedAt > bootTimeout * 1000L)
                {
                    _log.Critical("Worker (pid:{Pid}) did not boot within boot_timeout ({Seconds} s)", w.Pid, bootTimeout);
                    Kill(w, "boot timeout");
                }

                continue;
            }

            w.View.IsBooted = true;
            w.View.SetRequestCount(w.Heartbeat.Requests);
            if (timeout > 0 && w.Heartbeat.SilentMilliseconds > timeout * 1000L)
            {
                _log.Critical("WORKER TIMEOUT (pid:{Pid})", w.Pid);
                // A helper process loads ClrMD and the DAC, which takes seconds on a busy box; the worker is
                // already lost and the others keep serving while the master waits.
                string stacks = StackDumper.Dump(w.Pid, TimeSpan.FromSeconds(15));
                _log.Critical("Stack traces of worker {Pid} (silent for {Seconds:F1} s):\n{Stacks}", w.Pid, w.Heartbeat.SilentMilliseconds / 1000.0, stacks);
                w.AbortedAt = Environment.TickCount64;
                w.View.IsAborted = true;
                if (!Signals.Send(w.Pid, Signals.SIGABRT))
                {
                    _config.Hooks.Invoke(HookNames.WorkerExit, _view, w.View);
                }
            }
        }

        _statsd?.Gauge("unicornet.workers", _workers.Count(w => !w.Exited));
        if (_statsd is not null && _config.Options.Metrics.EnableBacklogMetric)
        {
            _backlog ??= new Unicornet.Logging.Metrics.BacklogProbe(_listeners.Select(l => l.Fd));
            if (_backlog.Read() is int queued)
            {
                _statsd.Histogram("unicornet.backlog", queued);
            }
        }

        CheckMemory();
        CheckWatchedFiles();
        CheckPromotion();
        if (_dirty is not null && !_stopping && _dirty.CheckAndRestart())
        {
            _log.Warning("The dirty arbiter exited; restarted it");
        }
    }

    private void Kill(WorkerHandle w, string why)
    {
        _log.Warning("Killing worker (pid:{Pid}): {Reason}", w.Pid, why);
        _killedCount++;
        if (w.SignalledAt == 0)
        {
            w.SignalledAt = Environment.TickCount64;
        }

        Signals.Send(w.Pid, Signals.SIGKILL);
    }

    private void CheckMemory()
    {
        int maxMiB = _config.Options.Arbiter.MaxWorkerMemoryMiB;
        if (maxMiB <= 0)
        {
            return;
        }

        int minAge = _config.Options.Arbiter.MaxWorkerMemoryMinAge;
        foreach (WorkerHandle w in _workers.Where(w => !w.Exited && w.SignalledAt == 0 && w.AbortedAt == 0 && w.Ready && w.AgeSeconds >= minAge).ToList())
        {
            if (ProcessInfo.ResidentBytes(w.Pid) is long rss && rss > maxMiB * 1024L * 1024L)
            {
                _log.Warning("Worker (pid:{Pid}) uses {Rss} MiB, above max_worker_memory ({Max} MiB); replacing it", w.Pid, rss / (1024 * 1024), maxMiB);
                Retire(w, Signals.SIGTERM);
            }
        }
    }

    private void ForEachLive(Action<WorkerHandle> action)
    {
        foreach (WorkerHandle w in _workers.Where(w => !w.Exited).ToList())
        {
            action(w);
        }
    }

    private static int SafeExitCode(Process? p)
    {
        try
        {
            return p is not null && p.HasExited ? p.ExitCode : -1;
        }
        catch (InvalidOperationException)
        {
            return -1;
        }
    }

    private void InstallSignals()
    {
        int[] handled = [Signals.SIGHUP, Signals.SIGINT, Signals.SIGQUIT, Signals.SIGTERM, Signals.SIGTTIN, Signals.SIGTTOU, Signals.SIGUSR1, Signals.SIGUSR2, Signals.SIGWINCH];

        // Started under nohup (HUP ignored) the master could never be reloaded; gunicorn takes its signals back too.
        // INT and QUIT stay as the parent set them: an ignored INT is how a shell runs a background job.
        foreach (int number in Signals.ResetIgnored(handled.Except([Signals.SIGINT, Signals.SIGQUIT])))
        {
            _log.Debug("Signal {Signal} was ignored by the parent; handling it", Signals.Name(number));
        }

        foreach (int number in handled)
        {
            PosixSignal signal = number switch
            {
                Signals.SIGHUP => PosixSignal.SIGHUP,
                Signals.SIGINT => PosixSignal.SIGINT,
                Signals.SIGQUIT => PosixSignal.SIGQUIT,
                Signals.SIGTERM => PosixSignal.SIGTERM,
                _ => (PosixSignal)number,
            };
            int captured = number;
            _signals.Add(PosixSignalRegistration.Create(signal, ctx =>
            {
                ctx.Cancel = true;
                _events.Writer.TryWrite(new MasterEvent(EventKind.Signal, captured));
            }));
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
