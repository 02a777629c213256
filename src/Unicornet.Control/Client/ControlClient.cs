using System.Net.Sockets;
using Unicornet.Control.Protocol;

namespace Unicornet.Control.Client;

/// <summary>
/// A connection to a control socket: sends commands and reads replies, one at a time. Used by
/// <c>unicornetc</c> and by tests. Not thread-safe.
/// </summary>
public sealed class ControlClient : IAsyncDisposable, IDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private long _nextId;
    private bool _broken;

    private ControlClient(string socketPath, Socket socket)
    {
        SocketPath = socketPath;
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
    }

    /// <summary>The socket this client talks to.</summary>
    public string SocketPath { get; }

    /// <summary>
    /// False once a send or receive failed or the server hung up (for example after the idle
    /// timeout); a new client is needed then.
    /// </summary>
    public bool IsConnected
    {
        get
        {
            if (_broken || !_socket.Connected)
            {
                return false;
            }

            try
            {
                // Readable with nothing to read means the peer closed its end.
                return !(_socket.Poll(0, SelectMode.SelectRead) && _socket.Available == 0);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return false;
            }
        }
    }

    /// <summary>How long <see cref="SendAsync"/> waits for a reply (default 60 s).</summary>
    public TimeSpan ReplyTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Connects to <paramref name="socketPath"/>.</summary>
    /// <exception cref="ControlConnectionException">Nothing listens there, or the connect timed out.</exception>
    public static async Task<ControlClient> ConnectAsync(string socketPath, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        Socket socket = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        using CancellationTokenSource deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout ?? TimeSpan.FromSeconds(5));
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), deadline.Token).ConfigureAwait(false);
            return new ControlClient(socketPath, socket);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new ControlConnectionException($"cannot connect to control socket {socketPath}: timed out");
        }
        catch (SocketException e)
        {
            socket.Dispose();
            string hint = e.SocketErrorCode switch
            {
                SocketError.AddressNotAvailable or SocketError.ConnectionRefused => " (is unicornet running? the socket may be stale)",
                _ when !File.Exists(socketPath) => " (no such socket; is unicornet running, with the control socket enabled?)",
                SocketError.AccessDenied => " (permission denied: the socket belongs to another user)",
                _ => string.Empty,
            };
            throw new ControlConnectionException($"cannot connect to control socket {socketPath}: {e.Message}{hint}", e);
        }
        catch (ArgumentException e)
        {
            socket.Dispose();
            throw new ControlConnectionException($"cannot connect to control socket {socketPath}: {e.Message}", e);
        }
    }

    /// <summary>Sends <paramref name="command"/> (shell-split by the server, <paramref name="args"/> appended) and reads the reply.</summary>
    /// <exception cref="ControlConnectionException">The connection broke or the server did not answer in time.</exception>
    public async Task<ControlResponse> SendAsync(string command, IReadOnlyList<string>? args = null, CancellationToken cancellationToken = default)
    {
        ControlRequest request = new(++_nextId, command, args ?? []);
        using CancellationTokenSource deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(ReplyTimeout);
        try
        {
            await ControlFraming.WriteFrameAsync(_stream, request.ToUtf8Json(), deadline.Token).ConfigureAwait(false);
            while (true)
            {
                byte[] payload = await ControlFraming.ReadFrameAsync(_stream, deadline.Token).ConfigureAwait(false)
                    ?? throw new ControlConnectionException($"the server at {SocketPath} closed the connection");
                ControlResponse response = ControlResponse.Parse(payload);

                // An id-0 error is the server rejecting the connection as a whole; anything else stale is skipped.
                if (response.Id == request.Id || (response.Id == 0 && !response.IsOk))
                {
                    return response;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            _broken = true;
            throw new ControlConnectionException($"no reply from {SocketPath} within {ReplyTimeout.TotalSeconds:0.#} s");
        }
        catch (Exception e) when (e is IOException or SocketException or InvalidDataException or ObjectDisposedException)
        {
            _broken = true;
            throw e as ControlConnectionException ?? new ControlConnectionException($"connection to {SocketPath} failed: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _stream.Dispose();

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _stream.DisposeAsync();
}
