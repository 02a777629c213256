using System.Runtime.InteropServices;
using System.Threading.Channels;

namespace Unicornet.Dirty;

/// <summary>
/// Catches POSIX signals (cancelling their default action) and queues their numbers for a main loop,
/// since handlers run on the thread pool and must not act themselves.
/// </summary>
internal sealed class SignalQueue : IDisposable
{
    private readonly List<PosixSignalRegistration> _registrations = new();
    private readonly Channel<int> _signals = Channel.CreateUnbounded<int>();

    public SignalQueue(params int[] signals)
    {
        foreach (int sig in signals)
        {
            _registrations.Add(PosixSignalRegistration.Create((PosixSignal)sig, ctx =>
            {
                ctx.Cancel = true;
                _signals.Writer.TryWrite(sig);
            }));
        }
    }

    public ChannelReader<int> Reader => _signals.Reader;

    /// <summary>Queues a signal as if it had been received (MANAGE messages, tests).</summary>
    public void Post(int signal) => _signals.Writer.TryWrite(signal);

    public void Dispose()
    {
        foreach (PosixSignalRegistration r in _registrations)
        {
            r.Dispose();
        }
    }
}
