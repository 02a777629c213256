using Unicornet.Platform;

namespace Unicornet.Arbitration;

/// <summary>
/// The signals the master owns, caught by one <see cref="SignalQueue"/> whose handlers only queue; a
/// pump moves them into the master's inbox, where the main loop acts on them. Control commands that
/// stand for a signal (reload, reopen, shutdown) are posted to the same queue.
/// </summary>
internal sealed class MasterSignals : IDisposable
{
    private static readonly int[] s_handled =
        [Signals.SIGHUP, Signals.SIGINT, Signals.SIGQUIT, Signals.SIGTERM, Signals.SIGTTIN, Signals.SIGTTOU, Signals.SIGUSR1, Signals.SIGUSR2, Signals.SIGWINCH];

    private readonly CancellationTokenSource _stopPump = new();
    private SignalQueue? _queue;

    /// <summary>
    /// Takes back every signal the master owns that the parent left ignored, then starts catching them.
    /// A master under nohup (HUP ignored) could never be reloaded, and one started in the background by a
    /// shell script (INT and QUIT ignored) could not be stopped with INT; gunicorn takes its signals back too.
    /// </summary>
    public void Install(MasterContext ctx)
    {
        foreach (int number in Signals.ResetIgnored(s_handled))
        {
            ctx.Log.SignalWasIgnored(Signals.Name(number));
        }

        _queue = new SignalQueue(s_handled);
        _ = ctx.Events.Pump(_queue, _stopPump.Token);
    }

    /// <summary>Queues <paramref name="signal"/> as if it had been received.</summary>
    public void Post(int signal) => _queue?.Post(signal);

    /// <summary>Stops catching (the default actions apply again) and stops the pump.</summary>
    public void Dispose()
    {
        _queue?.Dispose();
        _stopPump.Cancel();
        _stopPump.Dispose();
    }
}
