using Unicornet.Platform;

namespace Unicornet.Arbitration;

/// <summary>
/// The signals the master owns, caught by one <see cref="SignalQueue"/> whose handlers only queue them
/// into the master's inbox, where the main loop acts on them. Control commands that
/// stand for a signal (reload, reopen, shutdown) are posted to the same queue.
/// </summary>
internal sealed class MasterSignals : IDisposable
{
    private static readonly int[] s_handled =
        [Signals.SIGHUP, Signals.SIGINT, Signals.SIGQUIT, Signals.SIGTERM, Signals.SIGTTIN, Signals.SIGTTOU, Signals.SIGUSR1, Signals.SIGUSR2, Signals.SIGWINCH];

    private static readonly List<int> s_takenBack = [];
    private SignalQueue? _queue;

    /// <summary>
    /// Takes back every signal the master owns that the parent left ignored. A master under nohup (HUP
    /// ignored) could never be reloaded, and one started in the background by a shell script (INT and QUIT
    /// ignored) could not be stopped with INT; gunicorn takes its signals back too.
    /// </summary>
    /// <remarks>
    /// This must run before anything in the process sets up the runtime's signal handling (Console,
    /// Process, a signal registration): the runtime finds INT and QUIT ignored then, leaves them to the
    /// parent's choice for good, and a registration for them later never fires.
    /// </remarks>
    public static void TakeBack()
    {
        lock (s_takenBack)
        {
            s_takenBack.AddRange(Signals.ResetIgnored(s_handled));
        }
    }

    /// <summary>Starts catching the master's signals, and logs those it had to take back.</summary>
    public void Install(MasterContext ctx)
    {
        TakeBack();
        lock (s_takenBack)
        {
            foreach (int number in s_takenBack)
            {
                ctx.Log.SignalWasIgnored(Signals.Name(number));
            }
        }

        MasterEvents events = ctx.Events;
        _queue = SignalQueue.Into(signal => events.Post(new MasterEvent(EventKind.Signal, signal)), s_handled);
    }

    /// <summary>Queues <paramref name="signal"/> as if it had been received.</summary>
    public void Post(int signal) => _queue?.Post(signal);

    /// <summary>Stops catching (the default actions apply again).</summary>
    public void Dispose() => _queue?.Dispose();
}
