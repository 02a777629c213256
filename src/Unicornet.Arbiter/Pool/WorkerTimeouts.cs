using Unicornet.Config;
using Unicornet.Config.Hooks;
using Unicornet.Platform;
using Unicornet.Supervision;

namespace Unicornet.Arbitration;

/// <summary>
/// The master's once-a-second look at each worker: boot_timeout, the heartbeat timeout (stacks, then
/// SIGABRT), graceful_timeout after a TERM, the kill after an ignored SIGABRT, and max_worker_memory.
/// </summary>
/// <remarks>
/// A timed-out worker's stacks are read by a helper process, which takes seconds on a busy box; the
/// read runs off the main loop and reports back through the inbox (<see cref="EventKind.StacksRead"/>),
/// so the loop keeps handling signals, respawns and other timeouts, and several workers are read at once.
/// </remarks>
internal sealed class WorkerTimeouts : IDisposable
{
    private static readonly TimeSpan s_dumpLimit = TimeSpan.FromSeconds(15);
    private readonly MasterContext _ctx;
    private readonly WorkerPool _pool;
    private readonly CancellationTokenSource _stopDumps = new();
    private int _disposed;

    public WorkerTimeouts(MasterContext ctx, WorkerPool pool)
    {
        _ctx = ctx;
        _pool = pool;
    }

    private ILog Log => _ctx.Log;

    public void Check()
    {
        long now = Environment.TickCount64;
        foreach (WorkerHandle w in _pool.All.ToList())
        {
            if (!w.Exited)
            {
                Check(w, now);
            }
        }
    }

    /// <summary>The stacks of a timed-out worker are in: log them, then abort it as gunicorn does.</summary>
    public void OnStacksRead(WorkerHandle w, WorkerStacks stacks)
    {
        Log.WorkerStacks(w.Pid, stacks.SilentSeconds, stacks.Text);
        if (w.Exited)
        {
            return;
        }

        w.AbortedAt = Environment.TickCount64;
        w.ReplacedFor = RestartReason.Timeout;
        w.View.IsAborted = true;
        _pool.SendOrReportGone(w, Signals.SIGABRT);
    }

    /// <summary>Replaces workers above max_worker_memory once they are old enough.</summary>
    public void CheckMemory()
    {
        UnicornetConfig config = _ctx.Config;
        int maxMiB = config.Options.Arbiter.MaxWorkerMemoryMiB;
        if (maxMiB <= 0)
        {
            return;
        }

        int minAge = config.Options.Arbiter.MaxWorkerMemoryMinAge;
        foreach (WorkerHandle w in _pool.All.Where(w => w.Serving && w.Ready && w.AgeSeconds >= minAge).ToList())
        {
            if (ProcessInfo.ResidentBytes(w.Pid) is long rss && rss > maxMiB * 1024L * 1024L)
            {
                Log.WorkerMemoryExceeded(w.Pid, rss / (1024 * 1024), maxMiB);
                w.ReplacedFor = RestartReason.Memory;
                _pool.Retire(w, Signals.SIGTERM);
            }
        }
    }

    /// <summary>Ends the stack reads still running (the master is stopping).</summary>
    public void Dispose()
    {
        // Shutdown disposes on its way out and the master's parts again when Start returns.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stopDumps.Cancel();
        _stopDumps.Dispose();
    }

    private void Check(WorkerHandle w, long now)
    {
        UnicornetConfig config = _ctx.Config;
        if (w.AbortedAt != 0)
        {
            if (now - w.AbortedAt > 2000)
            {
                _pool.Kill(w, "did not exit after SIGABRT");
            }

            return;
        }

        int graceful = config.Options.Worker.GracefulTimeout;
        if (w.SignalledAt != 0)
        {
            if (now - w.SignalledAt > graceful * 1000L)
            {
                _pool.Kill(w, $"did not stop within graceful_timeout ({graceful} s)");
            }

            return;
        }

        if (w.TimedOutAt != 0)
        {
            return;
        }

        if (w.Heartbeat.Phase == WorkerPhase.Booting)
        {
            int bootTimeout = config.Options.Arbiter.BootTimeout;
            if (bootTimeout > 0 && now - w.StartedAt > bootTimeout * 1000L)
            {
                Log.BootTimeout(w.Pid, bootTimeout);
                w.ReplacedFor = RestartReason.Timeout;
                _pool.Kill(w, "boot timeout");
            }

            return;
        }

        w.View.IsBooted = true;
        w.View.SetRequestCount(w.Heartbeat.Requests);
        int timeout = config.Options.Worker.Timeout;
        if (timeout > 0 && w.Heartbeat.SilentMilliseconds > timeout * 1000L)
        {
            Log.WorkerTimeout(w.Pid, w.RequestsInFlight());
            w.TimedOutAt = now;
            ReadStacks(w);
        }
    }

    private void ReadStacks(WorkerHandle w)
    {
        // The heartbeat is read here, on the loop: a worker that exits during the dump is reaped and its
        // heartbeat file closed before the stacks come back.
        MasterEvents events = _ctx.Events;
        CancellationToken stop = _stopDumps.Token;
        long lastBeat = w.Heartbeat.LastTick;
        _ = Task.Run(
            async () =>
            {
                string stacks = await StackDumper.DumpAsync(w.Pid, s_dumpLimit, stop).ConfigureAwait(false);
                var read = new WorkerStacks(stacks, (Environment.TickCount64 - lastBeat) / 1000.0);
                events.Post(new MasterEvent(EventKind.StacksRead, Worker: w, Stacks: read));
            },
            CancellationToken.None);
    }
}
