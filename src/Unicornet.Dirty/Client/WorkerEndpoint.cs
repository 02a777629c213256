using System.Net.Sockets;
using Unicornet.Dirty.Protocol;
using Unicornet.Dirty.Routing;

namespace Unicornet.Dirty.Client;

/// <summary>A dirty worker a client calls directly: its call socket and one shared connection to it.</summary>
internal sealed class WorkerEndpoint : ICallTarget
{
    private readonly SharedConnection _connection;
    private int _inFlight;

    public WorkerEndpoint(DirtyClient owner, int pid, string path)
    {
        Pid = pid;
        Path = path;
        _connection = new SharedConnection(async cancellationToken =>
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException)
            {
                socket.Dispose();
                return null;
            }

            return owner.StartReading(socket, this);
        });
    }

    public int Pid { get; }

    public string Path { get; }

    /// <summary>This client's calls the worker has not answered yet.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    public void AddInFlight(int delta) => Interlocked.Add(ref _inFlight, delta);

    /// <summary>The open connection, connecting first if needed; null when the worker cannot be reached.</summary>
    public ValueTask<FrameConnection?> ConnectAsync(CancellationToken cancellationToken) => _connection.GetAsync(cancellationToken);

    public void Forget(FrameConnection connection) => _connection.Forget(connection);

    public void Close() => _connection.Close();
}
