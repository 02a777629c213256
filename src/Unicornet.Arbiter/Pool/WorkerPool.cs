using System.Diagnostics;
using System.Globalization;
using Unicornet.Config;
using Unicornet.Config.Hooks;
using Unicornet.Platform;
using Unicornet.Supervision.Hooks;
using Unicornet.Supervision;

namespace Unicornet.Arbitration;

/// <summary>
/// The workers: how many there should be (TTIN/TTOU, the control socket, a reload), spawning,
/// retiring, killing and reaping them, and rolling a failed reload back when its workers cannot boot.
/// Counts what it did for <c>show stats</c>, including the requests of workers that have gone.
/// </summary>
internal sealed class WorkerPool
{
    private readonly MasterContext _ctx;
    private readonly List<WorkerHandle> _workers = [];
    private int _age;

    public WorkerPool(MasterContext ctx)
    {
        _ctx = ctx;
    }

    /// <summary>How many workers of the current generation should run.</summary>
    public int Target { get; private set; }

    /// <summary>Every worker not yet reaped.</summary>
    public IReadOnlyList<WorkerHandle> All => _workers;

    public long SpawnedCount { get; private set; }

    public long KilledCount { get; private set; }

    /// <summary>Requests served by workers already reaped: with the live ones', the master's total since start-up.</summary>
    public long RetiredRequests { get; private set; }

    private ILog Log => _ctx.Log;

    /// <summary>Sets the target without the "Number of workers" line (start-up, reload); returns the old one.</summary>
    public int ResetTarget(int value)
    {
        int old = Target;
        Target = value;
        return old;
    }

    public void SetTarget(int value)
    {
        int old = ResetTarget(value);
        Log.WorkerCountChanged(old, value);
        _ctx.Config.Hooks.Invoke(HookNames.NworkersChanged, _ctx.View, value, old);
    }

    /// <summary>Live workers that have a process, oldest first (what the control socket lists).</summary>
    public List<WorkerHandle> Live() => _workers.Where(w => !w.Exited && w.Pid > 0).OrderBy(w => w.Age).ToList();

    public WorkerHandle? Find(int pid) => _workers.FirstOrDefault(x => x.Pid == pid && !x.Exited);

    public void ForEachLive(Action<WorkerHandle> action)
    {
        foreach (WorkerHandle w in _workers.Where(w => !w.Exited).ToList())
        {
            action(w);
        }
    }

    /// <summary>Tops the current generation up to the target, and retires surplus and old-generation workers.</summary>
    public void Manage()
    {
        Generations generations = _ctx.Generations;
        List<WorkerHandle> current = _workers.Where(w => w.Generation == generations.Number && w.Serving).ToList();
        for (int i = current.Count; i < Target; i++)
        {
            WorkerHandle? spawned = Spawn();
            if (spawned is null)
            {
                break;
            }

            current.Add(spawned);
        }

        if (current.Count > Target)
        {
            foreach (WorkerHandle w in current.OrderBy(w => w.Age).Take(current.Count - Target))
            {
                Retire(w, Signals.SIGTERM);
            }
        }

        // Old workers leave only once their replacements serve: a reload never drops to zero capacity.
        List<WorkerHandle> old = _workers.Where(w => w.Generation != generations.Number && w.SignalledAt == 0 && !w.Exited).ToList();
        if (old.Count > 0 && current.Take(Target).All(w => w.Ready))
        {
            foreach (WorkerHandle w in old)
            {
                Retire(w, Signals.SIGTERM);
            }
        }

        if (generations.Reloading && old.Count == 0 && current.All(w => w.Ready))
        {
            generations.CompleteReload();
            SystemdNotify.Send("READY=1\nSTATUS=serving");
            Log.ReloadComplete(current.Count, generations.Number);
        }
    }

    /// <summary>Sends <paramref name="signal"/> (TERM or QUIT) to stop a worker; it is killed if it outlasts graceful_timeout.</summary>
    public void Retire(WorkerHandle w, int signal)
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

        SendOrReportGone(w, signal);
    }

    /// <summary>A retirement asked for from outside (the control socket's <c>worker kill</c>).</summary>
    public void RetireOnRequest(WorkerHandle w)
    {
        KilledCount++;
        Retire(w, Signals.SIGTERM);
    }

    public void Kill(WorkerHandle w, string why)
    {
        Log.KillingWorker(w.Pid, why);
        KilledCount++;
        if (w.SignalledAt == 0)
        {
            w.SignalledAt = Environment.TickCount64;
        }

        Signals.Send(w.Pid, Signals.SIGKILL);
    }

    /// <summary>Signals <paramref name="w"/>; when it is already gone, runs worker_exit as its exit would have.</summary>
    public void SendOrReportGone(WorkerHandle w, int signal)
    {
        if (!Signals.Send(w.Pid, signal))
        {
            _ctx.Config.Hooks.Invoke(HookNames.WorkerExit, _ctx.View, w.View);
        }
    }

    /// <summary>
    /// Forgets an exited worker. Returns an exit code when the master must stop because a worker could
    /// not boot or load the app (gunicorn's HaltServer), null otherwise.
    /// </summary>
    public int? Reap(WorkerHandle w)
    {
        if (w.Exited)
        {
            return null;
        }

        w.Exited = true;
        _workers.Remove(w);
        int code = SafeExitCode(w.Process);
        _ctx.Metrics?.Detach(w, RestartReasonOf(w));
        RetiredRequests += w.Heartbeat.Requests;
        w.Heartbeat.Dispose();
        TryDelete(w.Heartbeat.Path);
        w.DisposeInFlight();
        w.Process?.Dispose();
        bool expected = w.SignalledAt != 0 || w.AbortedAt != 0 || _ctx.Stopping;
        LogExit(w, code, expected);
        _ctx.Generations.ConfigOf(w.Generation).Hooks.Invoke(HookNames.ChildExit, _ctx.View, w.View);
        if (code is not (3 or 4) || expected)
        {
            return null;
        }

        string reason = code == 3 ? "Worker failed to boot." : "App failed to load.";
        if (TryRollBack(w, reason) || _ctx.Stopping)
        {
            return null;
        }

        Log.WorkerBootFailed(w.Pid, code, reason);
        return code;
    }

    /// <summary>
    /// preload_app, as unicornet defines it: load and validate the app once before any worker starts,
    /// in a short-lived child (the master stays small and app-free), so a broken app fails once with
    /// its error instead of through a storm of worker boot failures.
    /// </summary>
    public bool PreloadCheck()
    {
        UnicornetConfig config = _ctx.Config;
        Generations generations = _ctx.Generations;
        var worker = new WorkerHandle(0, generations.Number, new WorkerView(0, _ctx.Pid, () => _ctx.Config, Log, config.Options.Worker.WorkerClassName), HeartbeatFile.Create(Path.Combine(generations.RunDir, "hb-preload")));
        try
        {
            using Process p = WorkerSpawner.Start(worker, config.Options.Worker.WorkerClass, generations.CurrentSnapshot, "", _ctx.Pid, Target, checkApp: "1");
            if (!p.WaitForExit(Math.Max(10, config.Options.Arbiter.BootTimeout) * 1000))
            {
                p.Kill();
                Log.PreloadTimedOut();
                return false;
            }

            if (p.ExitCode != 0)
            {
                Log.PreloadFailed(p.ExitCode);
                return false;
            }

            Log.PreloadLoaded(config.AppModule ?? "");
            return true;
        }
        finally
        {
            worker.Heartbeat.Dispose();
        }
    }

    public static int SafeExitCode(Process? p)
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

    private WorkerHandle? Spawn()
    {
        Generations generations = _ctx.Generations;
        int generation = generations.Number;
        UnicornetConfig config = generations.ConfigOf(generation);
        int age = ++_age;
        var view = new WorkerView(age, _ctx.Pid, () => config, Log, config.Options.Worker.WorkerClassName);
        HeartbeatFile heartbeat;
        try
        {
            // The worker's handle owns the slot from here; the finally below unmaps it when no process starts.
#pragma warning disable CA2000
            heartbeat = HeartbeatFile.Create(Path.Combine(generations.RunDir, "hb-" + age.ToString(CultureInfo.InvariantCulture)));
#pragma warning restore CA2000
        }
        catch (IOException e)
        {
            Log.HeartbeatFileFailed(generations.RunDir, e.Message);
            return null;
        }

        var worker = new WorkerHandle(age, generation, view, heartbeat) { InFlight = CreateInFlightFile(heartbeat.Path) };
        try
        {
            _ctx.Metrics?.Attach(worker);
        }
        catch (IOException e)
        {
            Log.HeartbeatFileFailed(generations.RunDir, e.Message);
            worker.InFlight?.Dispose();
            heartbeat.Dispose();
            return null;
        }

        bool spawned = false;
        try
        {
            config.Hooks.Invoke(HookNames.PreFork, _ctx.View, view);
            worker.Process = WorkerSpawner.Start(worker, config.Options.Worker.WorkerClass, generations.CurrentSnapshot, _ctx.FdList(), _ctx.Pid, Target, extra: _ctx.Dirty?.WorkerEnvironment);
            spawned = true;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            Log.WorkerStartFailed(e.Message);
            return null;
        }
        finally
        {
            // No process, no reader of the slot: unmap it on every failed path, a throwing hook included.
            if (!spawned)
            {
                _ctx.Metrics?.Detach(worker, null);
                heartbeat.Dispose();
                worker.DisposeInFlight();
            }
        }

        view.ProcessId = worker.Process.Id;
        _workers.Add(worker);
        SpawnedCount++;
        Log.WorkerSpawned(view.ProcessId, age, generation);
        _ctx.Events.PostOnExit(worker.Process, new MasterEvent(EventKind.WorkerExited, Worker: worker));
        return worker;
    }

    /// <summary>The worker's in-flight file beside its heartbeat; without it the worker still serves, its hangs unnamed.</summary>
    private InFlightFile? CreateInFlightFile(string heartbeatPath)
    {
        try
        {
            return InFlightFile.Create(InFlightFile.PathFor(heartbeatPath));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.HeartbeatFileFailed(Path.GetDirectoryName(heartbeatPath) ?? "", e.Message);
            return null;
        }
    }

    /// <summary>Why a reaped worker counts as a restart, or null when it was not replaced (scaled down, stopped, killed on request).</summary>
    private RestartReason? RestartReasonOf(WorkerHandle w)
    {
        if (_ctx.Stopping)
        {
            return null;
        }

        if (_ctx.Metrics?.ExitReasonOf(w) == Supervision.Metrics.WorkerExitReason.MaxRequests)
        {
            return RestartReason.MaxRequests;
        }

        if (w.ReplacedFor is { } reason)
        {
            return reason;
        }

        if (w.SignalledAt == 0)
        {
            return RestartReason.Crash;
        }

        return w.Generation != _ctx.Generations.Number ? RestartReason.Reload : null;
    }

    private void LogExit(WorkerHandle w, int code, bool expected)
    {
        if (code == 137 && !expected)
        {
            Log.WorkerSigkilled(w.Pid);
        }
        else if (code != 0 && !expected && code is not (3 or 4))
        {
            Log.WorkerExitedWithCode(w.Pid, code);
        }
        else
        {
            // The worker logs its own "Worker exiting" line; repeating it here doubled every exit in the log.
            Log.WorkerReaped(w.Pid, code);
        }
    }

    /// <summary>A worker of a reload's new generation could not boot while the previous one still serves: go back to it.</summary>
    private bool TryRollBack(WorkerHandle w, string reason)
    {
        Generations generations = _ctx.Generations;
        if (generations.Fallback is not int fallback || w.Generation != generations.Number || !_workers.Any(o => o.Generation == fallback && !o.Exited))
        {
            return false;
        }

        Log.ReloadRolledBack(reason, w.Pid);
        generations.RollBack(fallback);
        foreach (WorkerHandle n in _workers.Where(o => o.Generation != fallback).ToList())
        {
            Retire(n, Signals.SIGTERM);
        }

        return true;
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
