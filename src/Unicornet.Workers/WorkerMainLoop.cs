using Unicornet.Platform;
using Unicornet.Workers.Supervision;

namespace Unicornet.Workers;

/// <summary>
/// The worker's main loop, on the process's main thread: the worker's life (boot, serve, shut down) runs as a
/// task, and this loop acts on what the signal handlers queued and on the master's death while it runs. When a
/// stop has a time limit (INT/QUIT, the master gone) and the life has not ended by then, the process leaves anyway.
/// </summary>
internal sealed class WorkerMainLoop
{
    private static readonly TimeSpan s_masterGoneGrace = TimeSpan.FromSeconds(1);
    private static readonly Task s_never = new TaskCompletionSource().Task;

    private readonly WorkerContext _worker;
    private readonly WorkerSignals _signals;
    private readonly HeartbeatThread _heartbeat;
    private long _leaveBy = long.MaxValue;

    public WorkerMainLoop(WorkerContext worker, WorkerSignals signals, HeartbeatThread heartbeat)
    {
        _worker = worker;
        _signals = signals;
        _heartbeat = heartbeat;
    }

    /// <summary>Runs until <paramref name="life"/> ends; returns its exit code.</summary>
    public int Run(Task<int> life)
    {
        Task<bool> signal = _signals.WaitAsync();
        Task[] waits = [life, signal, _heartbeat.MasterGone];
        while (!life.IsCompleted)
        {
            // A blocking wait on this dedicated thread: the deadline holds even when the app starves the pool.
            if (Task.WaitAny(waits, TimeUntilLeave()) < 0)
            {
                Environment.Exit(0);
            }

            if (signal.IsCompleted)
            {
                while (_signals.TryRead(out int number))
                {
                    LeaveWithin(_signals.Act(number));
                }

                signal = _signals.WaitAsync();
                waits[1] = signal;
            }

            if (waits[2].IsCompleted)
            {
                _worker.Log.ParentChanged(ProcessInfo.Pid);
                _worker.StopNow();
                LeaveWithin(s_masterGoneGrace);
                waits[2] = s_never;
            }
        }

        return life.GetAwaiter().GetResult();
    }

    private void LeaveWithin(TimeSpan? grace)
    {
        if (grace is { } g)
        {
            _leaveBy = Math.Min(_leaveBy, MonotonicClock.Now + (long)g.TotalMilliseconds);
        }
    }

    private int TimeUntilLeave() =>
        _leaveBy == long.MaxValue ? Timeout.Infinite : (int)Math.Max(0, _leaveBy - MonotonicClock.Now);
}
