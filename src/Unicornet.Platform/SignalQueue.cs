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
    private readonly Channel<int>? _signals;
    private readonly Action<int> _sink;

    /// <summary>Starts catching <paramref name="signals"/> (Linux signal numbers, see <see cref="Signals"/>).</summary>
    public SignalQueue(params int[] signals)
    {
        ArgumentNullException.ThrowIfNull(signals);
        Channel<int> channel = Channel.CreateUnbounded<int>();
        _signals = channel;
        _sink = signal => channel.Writer.TryWrite(signal);
        Register(signals);
    }

    private SignalQueue(Action<int> sink, int[] signals)
    {
        _sink = sink;
        Register(signals);
    }

    /// <summary>
    /// Catches <paramref name="signals"/> and hands each number to <paramref name="sink"/> (on the thread pool)
    /// instead of a channel: for a process whose main loop has its own inbox (the master). No channel is built,
    /// so <see cref="Reader"/> must not be used.
    /// </summary>
    public static SignalQueue Into(Action<int> sink, params int[] signals)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(signals);
        return new SignalQueue(sink, signals);
    }

    /// <summary>The queued signal numbers, in arrival order.</summary>
    public ChannelReader<int> Reader => _signals?.Reader ?? throw new InvalidOperationException("this signal queue hands its signals to a sink");

    /// <summary>Queues a signal as if it had been received (control commands, MANAGE messages, tests).</summary>
    public void Post(int signal) => _sink(signal);

    private void Register(int[] signals)
    {
        foreach (int sig in signals)
        {
            int captured = sig;
            _registrations.Add(PosixSignalRegistration.Create(ToPosixSignal(sig), ctx =>
            {
                ctx.Cancel = true;
                _sink(captured);
            }));
        }
    }

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
