using System.Collections.Concurrent;
using System.Diagnostics;
using Unicornet.Config;
using Unicornet.Config.Hooks;
using Unicornet.Dirty.Apps;
using Unicornet.Dirty.Protocol;
using Unicornet.Dirty.Worker;
using Unicornet.Platform;

namespace Unicornet.Dirty.Arbiter;

/// <summary>
/// The dirty workers: spawns them with their apps, marks them ready, kills silent ones, reaps the dead
/// and replaces them, scales on TTIN/TTOU and MANAGE, swaps them on HUP, stops them at the end. Every
/// change of who is ready rebuilds the <see cref="RouteTable"/>.
/// </summary>
internal sealed class WorkerPool
{
    private readonly object _gate = new();
    private readonly List<WorkerHandle> _workers = new();
    private readonly ConcurrentDictionary<int, WorkerHandle> _byPid = new();
    private readonly BootBackoff _backoff = new();
    private readonly RouteTable _table;
    private readonly CallRelay _relay;
    private readonly WorkerLauncher _launcher;
    private readonly ILog _log;
    private readonly string _socketDirectory;
    private readonly Action _wake;
    private readonly CancellationToken _stopping;
    private UnicornetConfig _config;
    private long _timeoutTicks;
    private int _target;
    private int _nextAge;

    /// <param name="wake">Wakes the arbiter's main loop (a worker exited or lost its connection).</param>
    public WorkerPool(UnicornetConfig config, ILog log, RouteTable table, CallRelay relay, WorkerLauncher launcher, string socketDirectory, Action wake, CancellationToken stopping)
    {
        _log = log;
        _table = table;
        _relay = relay;
        _launcher = launcher;
        _socketDirectory = socketDirectory;
        _wake = wake;
        _stopping = stopping;
        _config = config;
        ArbiterView = new DirtyArbiterView(ProcessInfo.Pid, config, log, Views);
        Apply(config);
    }

    /// <summary>The arbiter as hooks see it; its <c>Workers</c> reads this pool each time.</summary>
    public DirtyArbiterView ArbiterView { get; }

    /// <summary>How many workers the pool keeps (<c>dirty_workers</c>, then TTIN/TTOU and MANAGE).</summary>
    public int Target => Volatile.Read(ref _target);

    /// <summary>Takes <c>dirty_workers</c> and <c>dirty_timeout</c> from a (re)loaded config.</summary>
    public void Apply(UnicornetConfig config)
    {
        lock (_gate)
        {
            _config = config;
            _timeoutTicks = DirtyTimeout.Ticks(config.Options.Dirty.Timeout);
            _target = Math.Max(config.Options.Dirty.Workers, 0);
        }
    }

    public void WarnIfBelowAppMinimum()
    {
        lock (_gate)
        {
            int minimum = _table.MinimumWorkers();
            if (_target < minimum)
            {
                DirtyLog.TargetBelowAppMinimum(_log, _target, minimum);
            }
        }
    }

    /// <summary>The workers and the target, as of now (for STATUS).</summary>
    public (WorkerHandle[] Workers, int Target) Snapshot()
    {
        lock (_gate)
        {
            return (_workers.ToArray(), _target);
        }
    }

    private DirtyWorker[] Views()
    {
        lock (_gate)
        {
            return _workers.Select(View).ToArray();
        }
    }

    public void SignalAll(int signal)
    {
        foreach (WorkerHandle w in Snapshot().Workers)
        {
            Signals.Send(w.Pid, signal);
        }
    }

    /// <summary>Reaps exited workers, kills silent ones, keeps the pool at its target.</summary>
    public void Supervise()
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
                    Abort(w);
                }
            }
        }

        foreach (WorkerHandle w in exited)
        {
            Reap(w);
        }

        TopUp();
    }

    /// <summary>A silent worker gets ABRT (it prints its stacks), and KILL if it is still there 2 s later.</summary>
    private void Abort(WorkerHandle w)
    {
        if (w.AbortSentAt == 0)
        {
            DirtyLog.WorkerTimeout(_log, w.Pid);
            w.AbortSentAt = MonotonicClock.Now;
            Signals.Send(w.Pid, Signals.SIGABRT);
        }
        else if (MonotonicClock.Since(w.AbortSentAt) > TimeSpan.FromSeconds(2))
        {
            Signals.Send(w.Pid, Signals.SIGKILL);
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
            _table.Rebuild(_workers);
        }

        int code = SafeExitCode(w.Process);
        w.Connection?.Dispose();

        // A worker killed outright leaves its call socket behind.
        UnixSockets.TryDelete(UnixSockets.WorkerCallSocket(_socketDirectory, w.Pid));
        _relay.FailRoutes(w, $"dirty worker {w.Pid} exited (code {code}) before answering");
        if (w.Retiring)
        {
            DirtyLog.WorkerStopped(_log, w.Pid);
        }
        else
        {
            DirtyLog.WorkerDied(_log, w.Pid, w.Age, code);
        }

        _config.Hooks.Invoke(HookNames.DirtyWorkerExit, ArbiterView, View(w));
        w.Process.Dispose();
        if (!w.Retiring && !_stopping.IsCancellationRequested)
        {
            Replace(w);
        }
    }

    /// <summary>
    /// Same app list for the replacement. A worker that died before it was ready backs off so a broken app
    /// does not turn into a fork loop.
    /// </summary>
    private void Replace(WorkerHandle w)
    {
        lock (_gate)
        {
            if (!w.Ready)
            {
                double delay = _backoff.Failed(w.Apps, w.Replaces);
                DirtyLog.WorkerBootFailed(_log, w.Pid, delay);
            }
            else if (Spawn(w.Apps) is { } replacement)
            {
                replacement.Replaces = w.Replaces;
            }
        }
    }

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

    /// <summary>Starts workers until the target is met.</summary>
    public void TopUp()
    {
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested || _backoff.Waiting)
            {
                return;
            }

            while (_backoff.TryTake(out IReadOnlyList<DirtyAppSpec> apps, out WorkerHandle? replaces))
            {
                if (Spawn(apps) is { } w)
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
        foreach (RouteTable.AppSlot slot in _table.Slots)
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

    /// <summary>Starts a worker (under the lock); null when the process could not be started.</summary>
    private WorkerHandle? Spawn(IReadOnlyList<DirtyAppSpec> apps)
    {
        int age = ++_nextAge;
        if (_launcher.Start(age, apps) is not { } process)
        {
            return null;
        }

        var w = new WorkerHandle(age, apps, process);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => _wake();
        _workers.Add(w);
        _byPid[w.Pid] = w;
        DirtyLog.WorkerBooting(_log, w.Pid, string.Join(", ", apps.Select(a => a.Id)));
        return w;
    }

    /// <summary>HUP: starts a fresh worker for every live one; each old one retires when its successor is ready.</summary>
    public void ReplaceAll()
    {
        lock (_gate)
        {
            foreach (WorkerHandle old in _workers.ToArray())
            {
                if (old.Retiring || old.Replaces is not null)
                {
                    continue;
                }

                if (Spawn(old.Apps) is { } fresh)
                {
                    fresh.Replaces = old;
                }
            }
        }
    }

    private void Retire(WorkerHandle w)
    {
        w.Retiring = true;
        _table.Rebuild(_workers);
        Signals.Send(w.Pid, Signals.SIGTERM);
    }

    /// <summary>TTIN/TTOU and MANAGE: add or remove workers, never below any app's minimum.</summary>
    public (int Changed, string Reason) Manage(bool add, int count)
    {
        lock (_gate)
        {
            int changed = 0;
            string? reason = null;
            while (changed < count && (reason = add ? AddOne() : RemoveOne()) is null)
            {
                _target = ActiveCount();
                changed++;
            }

            string verb = add ? "spawned" : "removed";
            return (changed, reason is null ? $"{verb} {changed}, now {_target} dirty workers" : $"{verb} {changed}, now {_target} dirty workers ({reason})");
        }
    }

    /// <summary>Starts one more worker; the reason when it cannot.</summary>
    private string? AddOne()
    {
        List<DirtyAppSpec> apps = Allocate();
        if (apps.Count == 0)
        {
            return "every app already has its configured number of dirty workers";
        }

        return Spawn(apps) is null ? "the dirty worker could not be started" : null;
    }

    /// <summary>Retires the oldest worker that no app needs; the reason when there is none.</summary>
    private string? RemoveOne()
    {
        if (ActiveCount() - 1 < _table.MinimumWorkers())
        {
            return $"at the minimum of {_table.MinimumWorkers()} dirty workers";
        }

        WorkerHandle? victim = _workers.Where(w => !w.Retiring && w.Replaces is null && Removable(w)).OrderBy(w => w.Age).FirstOrDefault();
        if (victim is null)
        {
            return "every dirty worker holds an app that would drop below its worker count";
        }

        Retire(victim);
        return null;
    }

    private bool Removable(WorkerHandle w)
    {
        foreach (DirtyAppSpec spec in w.Apps)
        {
            if (Holders(spec) - 1 < _table.Need(spec))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>HELLO: the worker with that pid, now connected; null when no such worker waits for its connection.</summary>
    public WorkerHandle? Connect(int pid, FrameConnection connection)
    {
        lock (_gate)
        {
            if (!_byPid.TryGetValue(pid, out WorkerHandle? worker) || worker.Connection is not null)
            {
                return null;
            }

            worker.Connection = connection;
            worker.Touch();
            return worker;
        }
    }

    /// <summary>READY: the worker takes calls; the old worker it replaces (HUP) retires.</summary>
    public void MarkReady(WorkerHandle worker)
    {
        lock (_gate)
        {
            worker.Ready = true;
            _backoff.Succeeded();
            if (worker.Replaces is { } old)
            {
                worker.Replaces = null;
                if (!old.Reaped && !old.Retiring)
                {
                    Retire(old);
                }
            }

            _table.Rebuild(_workers);
        }

        DirtyLog.WorkerIsReady(_log, worker.Pid);
    }

    /// <summary>The worker's connection ended: it gets no more calls (it is reaped when its process exits).</summary>
    public void Disconnect(WorkerHandle worker)
    {
        lock (_gate)
        {
            worker.Connection = null;
            _table.Rebuild(_workers);
        }
    }

    /// <summary>
    /// Shutdown: TERM (QUIT when <paramref name="quick"/>) to every worker, up to <c>dirty_graceful_timeout</c>
    /// for all of them together, then KILL.
    /// </summary>
    public void StopAll(bool quick)
    {
        WorkerHandle[] all;
        lock (_gate)
        {
            all = _workers.ToArray();
            foreach (WorkerHandle w in all)
            {
                w.Retiring = true;
            }

            _table.Rebuild(_workers);
        }

        foreach (WorkerHandle w in all)
        {
            Signals.Send(w.Pid, quick ? Signals.SIGQUIT : Signals.SIGTERM);
        }

        int grace = _config.Options.Dirty.GracefulTimeout;
        var deadline = Stopwatch.StartNew();
        foreach (WorkerHandle w in all)
        {
            TimeSpan left = TimeSpan.FromSeconds(grace) - deadline.Elapsed;
            if (left > TimeSpan.Zero && !w.Process.WaitForExit(left))
            {
                DirtyLog.WorkerKilledAfterGrace(_log, w.Pid, grace);
            }

            if (!w.Process.HasExited)
            {
                Signals.Send(w.Pid, Signals.SIGKILL);
                w.Process.WaitForExit(2000);
            }

            Reap(w);
        }
    }

    private DirtyWorkerView View(WorkerHandle w) =>
        new(w.Pid, ProcessInfo.Pid, w.Age, w.Apps.Select(a => a.Id).ToArray(), _config, _log);
}
