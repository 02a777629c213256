using System.Net.Sockets;
using Unicornet.Control.Client;
using Unicornet.Control.Server;

namespace Unicornet.Control.Tests;

/// <summary>A temp directory (short path: Unix socket paths are limited to 107 bytes) and servers in it.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine("/tmp", "ucx-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A real control server on a Unix socket in a temp dir, with a fake handler.</summary>
internal sealed class TestServer : IAsyncDisposable
{
    private readonly TempDir? _ownedDir;

    public TestServer(ControlServerOptions? options = null, FakeHandler? handler = null)
    {
        if (options is null)
        {
            _ownedDir = new TempDir();
            options = new ControlServerOptions(_ownedDir.File("c.ctl"));
        }

        Handler = handler ?? new FakeHandler();
        Server = ControlServer.Start(options, Handler);
    }

    public FakeHandler Handler { get; }

    public ControlServer Server { get; }

    public string Path => Server.SocketPath;

    public Task<ControlClient> ConnectAsync() => ControlClient.ConnectAsync(Path, TimeSpan.FromSeconds(5));

    public Socket ConnectRaw()
    {
        Socket socket = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
        {
            ReceiveTimeout = 10_000,
            SendTimeout = 10_000,
        };
        socket.Connect(new UnixDomainSocketEndPoint(Path));
        return socket;
    }

    public async ValueTask DisposeAsync()
    {
        await Server.StopAsync();
        _ownedDir?.Dispose();
    }
}
