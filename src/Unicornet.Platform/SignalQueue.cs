using System.Runtime.InteropServices;
using System.Threading.Channels;

namespace Unicornet.Platform;

/// <summary>
/// Catches POSIX signals (cancelling their default action) and queues their numbers for the owning
/// process's main loop. The runtime runs signal handlers on the thread pool, where acting (running
/// hooks, disposing logs, exiting) races the main loop; so a handler here only enqueues, and the
/// master, the workers and the dirty processes all read their signals from one of these.
/// </summary>
public sealed class SignalQueue : IDisposable
{
    private readonly List<PosixSignalRegistration> _registrations = [];
    private readonly Channel<int> _signals = Channel.CreateUnbounded<int>();

    /// <summary>Starts catching <paramref name="signals"/> (Linux signal numbers, see <see cref="Signals"/>).</summary>
    public SignalQueue(params int[] signals)
    {
        ArgumentNullException.ThrowIfNull(signals);
        foreach (int sig in signals)
        {
            int captured = sig;
            _registrations.Add(PosixSignalRegistration.Create(ToPosixSignal(sig), ctx =>
            {
                ctx.Cancel = true;
                _signals.Writer.TryWrite(captured);
            }));
        }
    }

    /// <summary>The queued signal numbers, in arrival order.</summary>
    public ChannelReader<int> Reader => _signals.Reader;

    /// <summary>Queues a signal as if it had been received (control commands, MANAGE messages, tests).</summary>
    public void Post(int signal) => _signals.Writer.TryWrite(signal);

    /// <summary>Stops catching; queued numbers stay readable.</summary>
    public void Dispose()
    {
        foreach (PosixSignalRegistration r in _registrations)
        {
            r.Dispose();
        }

        _registrations.Clear();
    }

    // PosixSignal's named members are negative placeholders; the four portable ones are mapped so the
    // runtime's own handling of them is the one cancelled, and raw Linux numbers are accepted for the rest.
    private static PosixSignal ToPosixSignal(int number) => number switch
    {
        Signals.SIGHUP => PosixSignal.SIGHUP,
        Signals.SIGINT => PosixSignal.SIGINT,
        Signals.SIGQUIT => PosixSignal.SIGQUIT,
        Signals.SIGTERM => PosixSignal.SIGTERM,
        _ => (PosixSignal)number,
    };
}
