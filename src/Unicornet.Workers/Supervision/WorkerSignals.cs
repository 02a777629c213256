using Unicornet.Config.Hooks;
using Unicornet.Platform;

namespace Unicornet.Workers.Supervision;

/// <summary>
/// What each signal means to a worker. The handlers only queue (<see cref="SignalQueue"/>); the worker's main
/// loop reads the queue and calls <see cref="Act"/>, so hooks, log reopening and exits never run inside the
/// runtime's signal callback.
/// </summary>
internal sealed class WorkerSignals
{
    /// <summary>
    /// How long an INT/QUIT'ed worker may take to leave: if the app ignores cancellation the worker still goes.
    /// </summary>
    private static readonly TimeSpan s_quickExitGrace = TimeSpan.FromSeconds(2);

    // A HUP or USR2 aimed at the process group must not kill workers; WINCH and TTIN/TTOU mean nothing here.
    // They are caught (so their default action is cancelled) and then ignored.
    private static readonly int[] s_caught =
    [
        Signals.SIGTERM, Signals.SIGINT, Signals.SIGQUIT, Signals.SIGUSR1, Signals.SIGABRT,
        Signals.SIGHUP, Signals.SIGUSR2, Signals.SIGWINCH, Signals.SIGTTIN, Signals.SIGTTOU,
    ];

    private static readonly Task<bool> s_never = new TaskCompletionSource<bool>().Task;

    private readonly WorkerContext _worker;
    private readonly SignalQueue? _queue;

    private WorkerSignals(WorkerContext worker, SignalQueue? queue)
    {
        _worker = worker;
        _queue = queue;
    }

    /// <summary>Starts catching the worker's signals. The queue is never disposed: a signal that arrives while
    /// the process is leaving must still be caught, not take its default action.</summary>
    public static WorkerSignals Install(WorkerContext worker)
    {
        try
        {
            return new WorkerSignals(worker, new SignalQueue(s_caught));
        }
        catch (Exception e) when (e is IOException or PlatformNotSupportedException or UnauthorizedAccessException)
        {
            worker.Log.SignalsUnavailable(e.Message);
            return new WorkerSignals(worker, null);
        }
    }

    /// <summary>Completes when a signal is queued (never when signals could not be caught).</summary>
    public Task<bool> WaitAsync() => _queue is null ? s_never : _queue.Reader.WaitToReadAsync().AsTask();

    /// <summary>The next queued signal, if any.</summary>
    public bool TryRead(out int signal)
    {
        signal = 0;
        return _queue is not null && _queue.Reader.TryRead(out signal);
    }

    /// <summary>Acts on one signal; returns how long the process may still take to leave, or null for no limit.</summary>
    public TimeSpan? Act(int signal)
    {
        switch (signal)
        {
            case Signals.SIGTERM:
                _worker.RequestGracefulStop();
                return null;
            case Signals.SIGINT or Signals.SIGQUIT:
                return QuickExit();
            case Signals.SIGUSR1:
                _worker.Log.ReopeningLogs(ProcessInfo.Pid);
                _worker.Log.Reopen();
                _worker.RequestLog?.Reopen();
                return null;
            case Signals.SIGABRT:
                Abort();
                return null;
            default:
                return null;
        }
    }

    private TimeSpan? QuickExit()
    {
        if (_worker.StoppingNow)
        {
            return null;
        }

        _worker.Hooks.Invoke(HookNames.WorkerInt, _worker.View);
        _worker.View.Stopping = true;
        _worker.StopNow();
        return s_quickExitGrace;
    }

    private void Abort()
    {
        _worker.View.IsAborted = true;
        _worker.Hooks.Invoke(HookNames.WorkerAbort, _worker.View);
        _worker.Log.Aborted(ProcessInfo.Pid);
        _worker.Log.Dispose();
        Environment.Exit(1);
    }
}
