using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Threading.Channels;
using Unicornet.Config;
using Unicornet.Config.Hooks;
using Unicornet.Dirty.Apps;
using Unicornet.Dirty.Protocol;
using Unicornet.Dirty.Worker;
using Unicornet.Platform;

using Unicornet.Config.Snapshot;

namespace Unicornet.Dirty.Arbiter;

/// <summary>
/// The dirty arbiter process: owns the client socket, the dirty workers and the stash. Calls are
/// routed to the least busy of the workers that loaded the app (round-robin among equals),
/// several at once per worker connection, each under its own never-reused id and deadline.
/// </summary>
internal sealed partial class DirtyArbiterHost
{
    private const int Wake = -1;

    private readonly object _gate = new();
    private readonly List<WorkerHandle> _workers = new();
    private readonly ConcurrentDictionary<ulong, Route> _routes = new();
    private readonly ConcurrentDictionary<int, WorkerHandle> _byPid = new();
    private readonly ConcurrentDictionary<ClientSession, byte> _sessions = new();
    private readonly Dictionary<string, AppSlot> _slots = new(StringComparer.Ordinal);
    private readonly StashStore _stash = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILog _log;
    private readonly DirtyArbiterView _view;
    private readonly string _clientSocketPath;
    private readonly string _workerSocketPath;
    private readonly string _socketDirectory;
    private readonly string? _pidFile;
    private readonly int _parentPid;
    private UnicornetConfig _config;
    private readonly AppDirectory _directory;
    private SignalQueue? _signals;
    private Socket? _clientListener;
    private Socket? _workerListener;
    private int _target;
    private int _nextAge;
    private long _nextId;
    private int _nextPick;
    private long _timeoutTicks;
    private int _bootFailures;
    private long _respawnNotBefore;
    private bool _quickStop;

    public DirtyArbiterHost(UnicornetConfig config, ILog log, string clientSocketPath, string? pidFile)
    {
        _config = config;
        _log = log;
        _clientSocketPath = clientSocketPath;
        _socketDirectory = Path.GetDirectoryName(clientSocketPath)!;
        _workerSocketPath = Path.Combine(_socketDirectory, "workers-" + ProcessInfo.Pid.ToString(CultureInfo.InvariantCulture) + ".sock");
        _pidFile = pidFile;
        _parentPid = ProcessInfo.ParentPid;
        _directory = AppDirectory.FromConfig(config);
        _view = new DirtyArbiterView(ProcessInfo.Pid, config, log, () =>
        {
            lock (_gate)
            {
                return _workers.Select(View).ToArray();
            }
        });
        ApplySettings(config);
        _target = Math.Max(config.Options.Dirty.Workers, 0);
    }

    /// <summary>Per-app routing state: the ready workers holding it, swapped as a whole when it changes.</summary>
    private sealed class AppSlot
    {
        public AppSlot(DirtyAppSpec spec, int? limit)
        {
            Spec = spec;
            Limit = limit;
        }

        public DirtyAppSpec Spec { get; }

        public int? Limit { get; }

        public WorkerHandle[] Ready = [];
    }

    public async Task<int> RunAsync()
    {
        ProcessInfo.SetTitle("dirty-arbiter");
        KillStaleInstance();
        WritePidFile();
        ResolveAllocations();
        try
        {
            _clientListener = UnixSockets.Listen(_clientSocketPath);
            _workerListener = UnixSockets.Listen(_workerSocketPath);
        }
        catch (SocketException e)
        {
            _log.Critical("Dirty arbiter cannot listen on {Socket}: {Error}", _clientSocketPath, e.Message);
            RemovePidFile();
            return 1;
        }

        _signals = new SignalQueue(Signals.SIGTERM, Signals.SIGINT, Signals.SIGQUIT, Signals.SIGHUP, Signals.SIGUSR1, Signals.SIGTTIN, Signals.SIGTTOU);
        _config.Hooks.Invoke(HookNames.OnDirtyStarting, _view);
        _log.Info("Dirty arbiter booted (pid {Pid}) on {Socket} with {Workers} dirty workers", ProcessInfo.Pid, _clientSocketPath, _target);

        _ = AcceptLoopAsync(_workerListener, isWorker: true);
        _ = AcceptLoopAsync(_clientListener, isWorker: false);
        _ = TimeoutLoopAsync();

        lock (_gate)
        {
            TopUp();
        }

        await MainLoopAsync().ConfigureAwait(false);
        await StopAsync().ConfigureAwait(false);
        return 0;
    }

    private void ApplySettings(UnicornetConfig config)
    {
        int timeout = config.Options.Dirty.Timeout;
        _timeoutTicks = timeout > 0 ? timeout * Stopwatch.Frequency : long.MaxValue;
    }

    private void ResolveAllocations()
    {
        lock (_gate)
        {
            _slots.Clear();
            foreach (DirtyAppSpec spec in _directory.Specs)
            {
                int? limit = spec.Workers;
                if (limit is null)
                {
                    try
                    {
                        string? path = AppAssemblyResolver.Locate(spec.Assembly);
                        limit = path is null ? null : AppMetadata.DeclaredWorkers(path, spec.TypeName);
                        if (path is null)
                        {
                            _log.Warning("Dirty app assembly {Assembly} not found from {Cwd}; its workers will fail to boot", spec.Assembly, Environment.CurrentDirectory);
                        }
                    }
                    catch (Exception e) when (e is IOException or BadImageFormatException or UnauthorizedAccessException or InvalidOperationException)
                    {
                        _log.Warning("Cannot read {Assembly}: {Error}", spec.Assembly, e.Message);
                    }
                }

                _slots[spec.Id] = new AppSlot(spec, limit);
            }

            int minimum = MinimumWorkers();
            if (_target < minimum)
            {
                _log.Warning("dirty_workers = {Target} is below the largest per-app worker count {Minimum}; some apps get fewer workers", _target, minimum);
            }
        }
    }

    private int MinimumWorkers()
    {
        int min = 1;
        foreach (AppSlot s in _slots.Values)
        {
            if (s.Limit is { } n)
            {
                min = Math.Max(min, n);
            }
        }

        return min;
    }

    private async Task MainLoopAsync()
    {
        ChannelReader<int> reader = _signals!.Reader;
        while (!_stopping.IsCancellationRequested)
        {
            using var tick = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            int sig = 0;
            try
            {
                sig = await reader.ReadAsync(tick.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            switch (sig)
            {
                case Signals.SIGTERM:
                    _log.Info("Dirty arbiter: TERM, stopping gracefully");
                    return;
                case Signals.SIGINT or Signals.SIGQUIT:
                    _log.Info("Dirty arbiter: {Signal}, stopping quickly", Signals.Name(sig));
                    _quickStop = true;
                    return;
                case Signals.SIGHUP:
                    Reload();
                    break;
                case Signals.SIGUSR1:
                    _log.Reopen();
                    ForEachWorker(w => Signals.Send(w.Pid, Signals.SIGUSR1));
                    break;
                case Signals.SIGTTIN:
                    _log.Info("Dirty arbiter: TTIN: {Result}", Manage(add: true, 1).Reason);
                    break;
                case Signals.SIGTTOU:
                    _log.Info("Dirty arbiter: TTOU: {Result}", Manage(add: false, 1).Reason);
                    break;
            }

            if (ProcessInfo.ParentPid != _parentPid)
            {
                _log.Warning("Dirty arbiter: the master (pid {Pid}) is gone, shutting down", _parentPid);
                return;
            }

            Supervise();
        }
    }

    private void ForEachWorker(Action<WorkerHandle> action)
    {
        WorkerHandle[] all;
        lock (_gate)
        {
            all = _workers.ToArray();
        }

        foreach (WorkerHandle w in all)
        {
            action(w);
        }
    }

    /// <summary>Reaps exited workers, kills silent ones, keeps the pool at its target.</summary>
    private void Supervise()
    {
        var exited = new List<WorkerHandle>();
        lock (_gate)
        {
            foreach (WorkerHandle w in _workers)
            {
                if (w.Process.HasExited)
                {
                    exited.Add(w);
                }
                else if (_timeoutTicks != long.MaxValue && w.Silence > SilenceLimit(w))
                {
                    if (w.AbortSentAt == 0)
                    {
                        _log.Critical("DIRTY WORKER TIMEOUT (pid:{Pid})", w.Pid);
                        w.AbortSentAt = Stopwatch.GetTimestamp();
                        Signals.Send(w.Pid, Signals.SIGABRT);
                    }
                    else if (Stopwatch.GetElapsedTime(w.AbortSentAt) > TimeSpan.FromSeconds(2))
                    {
                        Signals.Send(w.Pid, Signals.SIGKILL);
                    }
                }
            }
        }

        foreach (WorkerHandle w in exited)
        {
            Reap(w);
        }

        lock (_gate)
        {
            TopUp();
        }
    }

    /// <summary>
    /// How long a worker may stay silent: <c>dirty_timeout</c>, but at least 30 s before its HELLO, since
    /// starting a .NET process on a busy machine can take longer than a short timeout.
    /// </summary>
    private TimeSpan SilenceLimit(WorkerHandle w)
    {
        var limit = TimeSpan.FromSeconds(_timeoutTicks / (double)Stopwatch.Frequency);
        return w.Connection is null && !w.Ready && limit < TimeSpan.FromSeconds(30) ? TimeSpan.FromSeconds(30) : limit;
    }

    private void Reap(WorkerHandle w)
    {
        lock (_gate)
        {
            if (w.Reaped)
            {
                return;
            }

            w.Reaped = true;
            _workers.Remove(w);
            _byPid.TryRemove(w.Pid, out _);
            RebuildSlots();
        }

        int code = SafeExitCode(w.Process);
        w.Connection?.Dispose();

        // A worker killed outright leaves its call socket behind.
        UnixSockets.TryDelete(UnixSockets.WorkerCallSocket(_socketDirectory, w.Pid));
        FailRoutes(w, $"dirty worker {w.Pid} exited (code {code}) before answering");
        if (w.Retiring)
        {
            _log.Info("Dirty worker {Pid} stopped", w.Pid);
        }
        else
        {
            _log.Warning("Dirty worker {Pid} (age {Age}) died with code {Code}", w.Pid, w.Age, code);
        }

        _config.Hooks.Invoke(HookNames.DirtyWorkerExit, _view, View(w));
        w.Process.Dispose();
        if (w.Retiring || _stopping.IsCancellationRequested)
        {
            return;
        }

        // Same app list for the replacement. A worker that died before it was ready backs off so a
        // broken app does not turn into a fork loop.
        lock (_gate)
        {
            if (!w.Ready)
            {
                _bootFailures++;
                double delay = Math.Min(30, Math.Pow(2, Math.Min(_bootFailures, 5)) / 2);
                _respawnNotBefore = Stopwatch.GetTimestamp() + (long)(delay * Stopwatch.Frequency);
                _log.Error("Dirty worker {Pid} failed to boot; next attempt in {Delay}s", w.Pid, delay);
                _pendingRespawns.Add((w.Apps, w.Replaces));
            }
            else
            {
                WorkerHandle? replacement = Spawn(w.Apps);
                if (replacement is not null)
                {
                    replacement.Replaces = w.Replaces;
                }
            }
        }
    }

    private readonly List<(IReadOnlyList<DirtyAppSpec> Apps, WorkerHandle? Replaces)> _pendingRespawns = new();

    private static int SafeExitCode(Process p)
    {
        try
        {
            return p.ExitCode;
        }
        catch (InvalidOperationException)
        {
            return -1;
        }
    }

    /// <summary>Starts workers until the target is met (under <see cref="_gate"/>).</summary>
    private void TopUp()
    {
        if (_stopping.IsCancellationRequested || Stopwatch.GetTimestamp() < _respawnNotBefore)
        {
            return;
        }

        while (_pendingRespawns.Count > 0)
        {
            (IReadOnlyList<DirtyAppSpec> apps, WorkerHandle? replaces) = _pendingRespawns[0];
            _pendingRespawns.RemoveAt(0);
            WorkerHandle? w = Spawn(apps);
            if (w is not null)
            {
                w.Replaces = replaces is { Reaped: false } ? replaces : null;
            }
        }

        while (ActiveCount() < _target)
        {
            if (Spawn(Allocate()) is null)
            {
                return;
            }
        }
    }

    private int ActiveCount()
    {
        int n = 0;
        foreach (WorkerHandle w in _workers)
        {
            if (!w.Retiring && w.Replaces is null)
            {
                n++;
            }
        }

        return n;
    }

    /// <summary>Apps for a new worker: every unlimited app, plus each limited app still short of holders.</summary>
    private List<DirtyAppSpec> Allocate()
    {
        var apps = new List<DirtyAppSpec>();
        foreach (AppSlot slot in _slots.Values)
        {
            if (slot.Limit is not { } limit || Holders(slot.Spec) < limit)
            {
                apps.Add(slot.Spec);
            }
        }

        return apps;
    }

    private int Holders(DirtyAppSpec spec)
    {
        int n = 0;
        foreach (WorkerHandle w in _workers)
        {
            if (!w.Retiring && w.Replaces is null && w.Holds(spec))
            {
                n++;
            }
        }

        return n;
    }

    private WorkerHandle? Spawn(IReadOnlyList<DirtyAppSpec> apps)
    {
        int age = ++_nextAge;
        ProcessStartInfo psi = SelfLauncher.StartInfo(ProcessRoles.DirtyWorker);
        psi.Environment[DirtyEnvironment.WorkerSocket] = _workerSocketPath;
        psi.Environment[DirtyEnvironment.Socket] = _clientSocketPath;
        psi.Environment[DirtyEnvironment.Age] = age.ToString(CultureInfo.InvariantCulture);
        psi.Environment[DirtyEnvironment.Apps] = string.Join('\n', apps.Select(a => a.Id));
        ChildRuntime.UseSmallGen0(psi);
        psi.Environment.Remove(DirtyEnvironment.PidFile);

        // Actions run on the thread pool, not on socket continuations, so a dirty worker does not need inline completions.
        psi.Environment.Remove(ChildRuntime.InlineSocketCompletionsVariable);
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException("Process.Start returned null");
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            _log.Error("Cannot start a dirty worker: {Error}", e.Message);
            return null;
        }

        var w = new WorkerHandle(age, apps, process);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => _signals?.Post(Wake);
        _workers.Add(w);
        _byPid[w.Pid] = w;
        _log.Info("Booting dirty worker with pid: {Pid} (apps: {Apps})", w.Pid, string.Join(", ", apps.Select(a => a.Id)));
        return w;
    }

    /// <summary>Rebuilds every app's ready-worker array (under <see cref="_gate"/>).</summary>
    private void RebuildSlots()
    {
        foreach (AppSlot slot in _slots.Values)
        {
            var ready = new List<WorkerHandle>();
            foreach (WorkerHandle w in _workers)
            {
                if (w.Ready && !w.Retiring && w.Connection is not null && w.Holds(slot.Spec))
                {
                    ready.Add(w);
                }
            }

            Volatile.Write(ref slot.Ready, ready.ToArray());
        }

        // Clients that call workers directly drop their cached routes and ask again on their next call.
        foreach (ClientSession session in _sessions.Keys)
        {
            session.Connection.Send(MessageType.RoutesChanged, 0, ReadOnlySpan<byte>.Empty);
        }
    }

    /// <summary>HUP: start a fresh worker for every live one and retire each old one when its successor is ready.</summary>
    private void Reload()
    {
        string? path = Environment.GetEnvironmentVariable(DirtyEnvironment.Config);
        if (path is not null)
        {
            try
            {
                UnicornetConfig fresh = ConfigSnapshot.Read(path);
                _config = ConfigSnapshot.BindHooks(fresh, _log);
                ApplySettings(_config);
                _target = Math.Max(_config.Options.Dirty.Workers, 0);
            }
            catch (Exception e) when (e is IOException or System.Text.Json.JsonException or InvalidOperationException or KeyNotFoundException)
            {
                _log.Error("Dirty arbiter: cannot reload the config snapshot, keeping the old settings: {Error}", e.Message);
            }
        }

        lock (_gate)
        {
            foreach (WorkerHandle old in _workers.ToArray())
            {
                if (old.Retiring || old.Replaces is not null)
                {
                    continue;
                }

                WorkerHandle? fresh = Spawn(old.Apps);
                if (fresh is not null)
                {
                    fresh.Replaces = old;
                }
            }
        }

        _log.Info("Dirty arbiter: reloading {Count} dirty workers", _target);
    }

    private void Retire(WorkerHandle w, bool quick = false)
    {
        w.Retiring = true;
        RebuildSlots();
        Signals.Send(w.Pid, quick ? Signals.SIGQUIT : Signals.SIGTERM);
    }

    /// <summary>TTIN/TTOU and MANAGE: add or remove workers, never below any app's minimum.</summary>
    internal (int Changed, string Reason) Manage(bool add, int count)
    {
        lock (_gate)
        {
            int changed = 0;
            string reason = "";
            for (int i = 0; i < count; i++)
            {
                if (add)
                {
                    List<DirtyAppSpec> apps = Allocate();
                    if (apps.Count == 0)
                    {
                        reason = "every app already has its configured number of dirty workers";
                        break;
                    }

                    if (Spawn(apps) is null)
                    {
                        reason = "the dirty worker could not be started";
                        break;
                    }

                    _target = ActiveCount();
                    changed++;
                }
                else
                {
                    if (ActiveCount() - 1 < MinimumWorkers())
                    {
                        reason = $"at the minimum of {MinimumWorkers()} dirty workers";
                        break;
                    }

                    WorkerHandle? victim = _workers.Where(w => !w.Retiring && w.Replaces is null && Removable(w)).OrderBy(w => w.Age).FirstOrDefault();
                    if (victim is null)
                    {
                        reason = "every dirty worker holds an app that would drop below its worker count";
                        break;
                    }

                    Retire(victim);
                    _target = ActiveCount();
                    changed++;
                }
            }

            string verb = add ? "spawned" : "removed";
            return (changed, reason.Length == 0 ? $"{verb} {changed}, now {_target} dirty workers" : $"{verb} {changed}, now {_target} dirty workers ({reason})");
        }
    }

    private bool Removable(WorkerHandle w)
    {
        foreach (DirtyAppSpec spec in w.Apps)
        {
            AppSlot slot = _slots[spec.Id];
            int need = slot.Limit ?? 1;
            if (Holders(spec) - 1 < need)
            {
                return false;
            }
        }

        return true;
    }

    private async Task StopAsync()
    {
        _stopping.Cancel();
        _clientListener?.Dispose();
        _workerListener?.Dispose();
        UnixSockets.TryDelete(_clientSocketPath);
        UnixSockets.TryDelete(_workerSocketPath);
        WorkerHandle[] all;
        lock (_gate)
        {
            all = _workers.ToArray();
            foreach (WorkerHandle w in all)
            {
                w.Retiring = true;
            }

            RebuildSlots();
        }

        foreach (WorkerHandle w in all)
        {
            Signals.Send(w.Pid, _quickStop ? Signals.SIGQUIT : Signals.SIGTERM);
        }

        int grace = _config.Options.Dirty.GracefulTimeout;
        var deadline = Stopwatch.StartNew();
        foreach (WorkerHandle w in all)
        {
            TimeSpan left = TimeSpan.FromSeconds(grace) - deadline.Elapsed;
            if (left > TimeSpan.Zero && !w.Process.WaitForExit(left))
            {
                _log.Warning("Dirty worker {Pid} did not stop within {Grace}s; killing it", w.Pid, grace);
            }

            if (!w.Process.HasExited)
            {
                Signals.Send(w.Pid, Signals.SIGKILL);
                w.Process.WaitForExit(2000);
            }

            Reap(w);
        }

        foreach (Route r in _routes.Values)
        {
            if (_routes.TryRemove(r.InternalId, out _))
            {
                r.Client.Connection.Send(DirtyError.Frame(r.ClientId, new DirtyError(ErrorKinds.WorkerLost, "the dirty arbiter is stopping")));
            }
        }

        await Task.Delay(50).ConfigureAwait(false);
        RemovePidFile();
        _signals?.Dispose();
        _log.Info("Dirty arbiter exiting (pid: {Pid})", ProcessInfo.Pid);
    }

    private DirtyWorkerView View(WorkerHandle w) =>
        new(w.Pid, ProcessInfo.Pid, w.Age, w.Apps.Select(a => a.Id).ToArray(), _config, _log);
}
