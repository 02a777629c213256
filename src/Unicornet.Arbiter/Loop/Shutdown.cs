using Unicornet.Config.Hooks;
using Unicornet.Platform;
using Unicornet.Supervision;

namespace Unicornet.Arbitration;

/// <summary>
/// Stopping the master: TERM (graceful) or INT/QUIT (quick) stops the workers within graceful_timeout,
/// then <see cref="Halt"/> releases what the master holds (control socket, pid file, listeners, run
/// directory, signals) and runs on_exit. With <c>shutdown_delay</c>, TERM first marks the stop (readiness
/// fails) and the master serves on for the delay (<see cref="OnTerm"/>, <see cref="CheckDelay"/>).
/// </summary>
/// <remarks>
/// Who closes the listening sockets, and when: a connection waiting in a listener's accept queue is reset only
/// when the last fd of that socket closes. The master closes its own fds first, then tells every worker (in its
/// in-flight file) that this TERM is the last stop; each worker serves what is queued until the queue is empty
/// (within graceful_timeout) and only then closes its fds, so the last close finds nothing queued. On a retire
/// (HUP, TTOU, max_requests) the master keeps its fds and the workers do not drain: the others take the queue.
/// </remarks>
internal sealed class Shutdown
{
    private readonly MasterContext _ctx;
    private readonly WorkerPool _pool;
    private readonly Upgrader _upgrader;
    private readonly ControlEndpoint _control;
    private readonly MasterSignals _signals;
    private readonly WorkerTimeouts _timeouts;
    private long _delayEnds;

    public Shutdown(MasterContext ctx, WorkerPool pool, Upgrader upgrader, ControlEndpoint control, MasterSignals signals, WorkerTimeouts timeouts)
    {
        _ctx = ctx;
        _pool = pool;
        _upgrader = upgrader;
        _control = control;
        _signals = signals;
        _timeouts = timeouts;
    }

    /// <summary>True while TERM's shutdown_delay runs: the master still serves, but is stopping.</summary>
    public bool Delaying => _delayEnds != 0;

    /// <summary>Milliseconds until the shutdown_delay ends (for the main loop's wait); long.MaxValue when none runs.</summary>
    public long DelayRemaining => _delayEnds == 0 ? long.MaxValue : Math.Max(0, _delayEnds - MonotonicClock.Now);

    /// <summary>
    /// TERM: marks the stop at once, then stops gracefully, after shutdown_delay when one is set (null meanwhile).
    /// A second TERM during the delay ends it: the operator asked twice.
    /// </summary>
    public int? OnTerm()
    {
        _ctx.StopState.MarkStopping();
        int delay = _ctx.Config.Options.Worker.ShutdownDelay;
        if (Delaying)
        {
            _ctx.Log.ShutdownDelayCut();
            return Stop(graceful: true);
        }

        if (delay <= 0)
        {
            return Stop(graceful: true);
        }

        _ctx.Log.ShutdownDelayStarted(delay);
        SystemdNotify.Send("STOPPING=1");
        _delayEnds = MonotonicClock.Now + (delay * 1000L);
        return null;
    }

    /// <summary>Begins the graceful stop once the shutdown_delay is over; null while it runs (or none does).</summary>
    public int? CheckDelay()
    {
        if (_delayEnds == 0 || MonotonicClock.Now < _delayEnds)
        {
            return null;
        }

        _ctx.Log.ShutdownDelayEnded();
        return Stop(graceful: true);
    }

    /// <summary>Stops the workers (TERM when <paramref name="graceful"/>, QUIT otherwise), then exits with <paramref name="exitCode"/>.</summary>
    public int Stop(bool graceful, int exitCode = 0)
    {
        _delayEnds = 0;
        _ctx.StopState.MarkStopping();
        _control.Stop();
        _ctx.Stopping = true;
        Task? dirtyStop = _ctx.Dirty?.StopAsync(graceful);
        SystemdNotify.Send("STOPPING=1");
        bool keepUnixSockets = _upgrader.InProgress;
        foreach (Listener l in _ctx.Listeners)
        {
            ListenerBinder.Close(l, unlink: !keepUnixSockets);
        }

        _ctx.Listeners = [];
        int signal = graceful ? Signals.SIGTERM : Signals.SIGQUIT;

        // With a peer master (USR2) the listeners live on in it, whose workers take the queue.
        bool lastStop = graceful && !_upgrader.HasPeer;
        foreach (WorkerHandle w in _pool.All.Where(w => !w.Exited).ToList())
        {
            if (w.InFlight is { } requests)
            {
                // Written before the signal: the worker reads it when the TERM arrives.
                requests.LastStop = lastStop;
            }

            w.SignalledAt = 0;
            _pool.Retire(w, signal);
        }

        WaitForWorkers(graceful);
        KillRemainingWorkers();
        try
        {
            dirtyStop?.Wait(TimeSpan.FromSeconds(_ctx.Config.Options.Dirty.GracefulTimeout + 5));
        }
        catch (AggregateException e)
        {
            _ctx.Log.DirtyStopFailed(e.InnerException?.Message ?? e.Message);
        }

        return Halt(exitCode, null);
    }

    /// <summary>Releases everything the master holds and returns <paramref name="exitCode"/>; workers must be gone or going.</summary>
    public int Halt(int exitCode, string? reason)
    {
        _control.Stop();
        if (reason is not null)
        {
            _ctx.Log.ShuttingDownBecause(reason);
        }

        _ctx.Log.ShuttingDown();
        _ctx.PidFile?.Unlink(_ctx.Pid);
        _ctx.Config.Hooks.Invoke(HookNames.OnExit, _ctx.View);
        foreach (Listener l in _ctx.Listeners)
        {
            ListenerBinder.Close(l, unlink: !_upgrader.HasPeer);
        }

        _ctx.MetricsEndpoint?.Dispose();
        _ctx.Generations.DeleteRunDirectory();
        _timeouts.Dispose();
        _signals.Dispose();
        return exitCode;
    }

    /// <summary>Reaps workers until none is left or graceful_timeout passes; a quick stop during a graceful one shortens the wait.</summary>
    private void WaitForWorkers(bool graceful)
    {
        long deadline = Environment.TickCount64 + (_ctx.Config.Options.Worker.GracefulTimeout * 1000L);
        while (_pool.All.Count > 0 && Environment.TickCount64 < deadline)
        {
            _ctx.Events.Wait(100);
            while (_ctx.Events.TryRead(out MasterEvent? e))
            {
                if (e.Kind == EventKind.WorkerExited)
                {
                    _pool.Reap(e.Worker!);
                }
                else if (e.Kind == EventKind.Signal && e.Signal is Signals.SIGINT or Signals.SIGQUIT && graceful)
                {
                    // QUIT the workers and give them at most two more seconds.
                    graceful = false;
                    _pool.ForEachLive(w => Signals.Send(w.Pid, Signals.SIGQUIT));
                    deadline = Math.Min(deadline, Environment.TickCount64 + 2000);
                }
            }
        }
    }

    private void KillRemainingWorkers()
    {
        foreach (WorkerHandle w in _pool.All.Where(w => !w.Exited).ToList())
        {
            _ctx.Log.KillingWorkerAfterGracefulTimeout(w.Pid);
            Signals.Send(w.Pid, Signals.SIGKILL);
        }

        long killDeadline = Environment.TickCount64 + 3000;
        while (_pool.All.Count > 0 && Environment.TickCount64 < killDeadline)
        {
            _ctx.Events.Wait(20);
            while (_ctx.Events.TryRead(out MasterEvent? e))
            {
                if (e.Kind == EventKind.WorkerExited)
                {
                    _pool.Reap(e.Worker!);
                }
            }
        }
    }
}
