using System.Net.Sockets;
using Unicornet.Dirty.Protocol;

namespace Unicornet.Dirty.Worker;

/// <summary>
/// The worker's own call socket (<see cref="UnixSockets.WorkerCallSocket"/>): clients the arbiter named in a
/// ROUTE answer connect here and send calls without the relay's second round trip.
/// </summary>
internal sealed class DirectCallListener
{
    private readonly string _path;
    private Socket? _listener;

    private DirectCallListener(string path, Socket listener)
    {
        _path = path;
        _listener = listener;
    }

    /// <summary>Listens on the call socket for <paramref name="pid"/> in <paramref name="directory"/> and hands each connection to <paramref name="dispatcher"/>.</summary>
    /// <exception cref="SocketException">The socket could not be bound.</exception>
    public static DirectCallListener Start(string directory, int pid, CallDispatcher dispatcher)
    {
        string path = UnixSockets.WorkerCallSocket(directory, pid);
        var listener = new DirectCallListener(path, UnixSockets.Listen(path));
        _ = listener.AcceptAsync(listener._listener!, dispatcher);
        return listener;
    }

    /// <summary>Stops taking connections and removes the socket file; connections already open stay.</summary>
    public void Close()
    {
        Socket? listener = Interlocked.Exchange(ref _listener, null);
        if (listener is not null)
        {
            listener.Dispose();
            UnixSockets.TryDelete(_path);
        }
    }

    private async Task AcceptAsync(Socket listener, CallDispatcher dispatcher)
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }

            dispatcher.ServeClient(new FrameConnection(socket));
        }
    }
}
