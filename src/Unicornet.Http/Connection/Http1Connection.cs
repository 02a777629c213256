using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Http;
using Unicornet.Http.Parsing;
using Unicornet.Http.Serving;
using Unicornet.Http.Tls;
using Unicornet.Http.Uwsgi;

namespace Unicornet.Http.Connection;

/// <summary>
/// One HTTP/1.x connection's lifecycle: the TLS handshake, reading and parsing request heads (PROXY protocol
/// first), the keep-alive loop, the deadlines the serving loop enforces, graceful close and abort. Each parsed
/// request is run by the connection's <see cref="Http1RequestProcessor"/>.
/// </summary>
internal sealed class Http1Connection : IDisposable
{
    private static long s_connectionIds;
    private readonly ConnectionSettings _settings;
    private readonly Socket? _socket;
    private readonly RequestHead _head = new();
    private UwsgiPacketParser? _uwsgi;
    private Stream _stream;
    private ConnectionInput _input = null!;
    private Http1RequestProcessor? _processor;
    private EndPoint? _localEndPoint;
    private volatile bool _localEndPointKnown;
    private ITlsConnection? _tls;
    private volatile bool _closeRequested;
    private volatile bool _aborted;

    public Http1Connection(ConnectionSettings settings, Socket socket, bool blocking = false)
    {
        _settings = settings;
        _socket = socket;
        _stream = blocking ? new BlockingSocketStream(socket, () => Deadline) : new NetworkStream(socket, ownsSocket: true);
        ConnectionNumber = Interlocked.Increment(ref s_connectionIds);
        RemoteEndPoint = SafeEndPoint(socket, remote: true);
    }

    /// <summary>For tests and in-memory replay: a connection over any stream.</summary>
    public Http1Connection(ConnectionSettings settings, Stream stream, EndPoint? remote, EndPoint? local)
    {
        _settings = settings;
        _stream = stream;
        ConnectionNumber = Interlocked.Increment(ref s_connectionIds);
        RemoteEndPoint = remote;
        _localEndPoint = local;
        _localEndPointKnown = true;
    }

    /// <summary>How long an idle keep-alive connection may still bring one request after a stop was requested.</summary>
    public const int IdleCloseGraceMs = 1000;

    /// <summary>Unique in the process: the base of ConnectionId and TraceIdentifier.</summary>
    public long ConnectionNumber { get; }

    public EndPoint? RemoteEndPoint { get; }

    /// <summary>
    /// Looked up on first use: accept() already reported the peer, but the local address costs a getsockname()
    /// per connection that most apps never need (it shows in the sync class and with Connection: close).
    /// </summary>
    public EndPoint? LocalEndPoint
    {
        get
        {
            if (!_localEndPointKnown)
            {
                _localEndPoint = _socket is null ? null : SafeEndPoint(_socket, remote: false);
                _localEndPointKnown = true;
            }

            return _localEndPoint;
        }
    }

    /// <summary>What a PROXY protocol header said about the client, if one came.</summary>
    public ProxyInfo? ProxyInfo { get; private set; }

    /// <summary>Environment.TickCount64 after which the loop's ticker aborts the connection.</summary>
    public long Deadline { get; private set; } = long.MaxValue;

    /// <summary>Waiting for the next request with no byte of it received yet.</summary>
    public bool IsIdle { get; private set; }

    /// <summary>The app asked (via RequestStarting) that the worker stop after this request.</summary>
    public bool StopRequested { get; private set; }

    public bool IsAborted => _aborted;

    /// <summary>The bytes received and not yet consumed (set up once the TLS handshake is done).</summary>
    public ConnectionInput Input => _input;

    /// <summary>A request is between its head and its end (the app may be told its client left).</summary>
    public bool RequestActive { get; set; }

    /// <summary>When the running request's first byte arrived (Stopwatch timestamp).</summary>
    public long RequestStart { get; private set; }

    /// <summary>Nothing so far stops this connection from taking another request after the current one.</summary>
    public bool MayServeAnother => !_closeRequested && !StopRequested;

    public bool PeerTrusted => RemoteEndPoint is not IPEndPoint ip || _settings.Parser.ForwardedAllowIps.Allows(ip.Address);

    /// <summary>
    /// Finish the current request (if any) and close. An idle keep-alive connection is not cut at once:
    /// its client may already be sending the next request, which would be lost (a failed request
    /// during a reload). It gets <see cref="IdleCloseGraceMs"/> to arrive and is answered with
    /// <c>Connection: close</c>; a connection that stays silent closes when the grace ends.
    /// </summary>
    public void RequestClose()
    {
        _closeRequested = true;
        if (IsIdle)
        {
            Deadline = Math.Min(Deadline, Environment.TickCount64 + IdleCloseGraceMs);
        }
    }

    /// <summary>The running request cannot be followed by another (its body could not be trusted).</summary>
    internal void CloseAfterThisRequest() => _closeRequested = true;

    /// <summary>RequestStarting returned false (max_requests): this is the worker's last request.</summary>
    internal void StopAfterThisRequest()
    {
        StopRequested = true;
        _settings.StopRequested?.Invoke();
    }

    internal void ArmDeadline(long milliseconds) => Deadline = Environment.TickCount64 + milliseconds;

    internal void ClearDeadline() => Deadline = long.MaxValue;

    /// <summary>Drops the connection now.</summary>
    public void Abort()
    {
        if (_aborted)
        {
            return;
        }

        _aborted = true;

        // The request still running may ask for its local address after the socket is gone.
        _ = LocalEndPoint;
        try
        {
            _socket?.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // already gone
        }

        try
        {
            _stream.Dispose();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException)
        {
            // already gone
        }

        _processor?.Request.CancelAborted();
    }

    public async Task RunAsync()
    {
        try
        {
            if (_settings.Options.Tls is { } tls)
            {
                // The handshake runs on the connection's own task (never in the accept loop), under the header timeout.
                ArmDeadline(_settings.HeaderTimeoutMs);
                ITlsConnection connection = _tls = tls.Open(_stream);
                _stream = connection.Stream;
                await connection.AuthenticateAsync().ConfigureAwait(false);
            }

            _input = new ConnectionInput(_stream, _settings.MaxInputBuffer) { ZeroByteReads = _settings.DetectDisconnects };
            _input.PeerClosed = OnPeerClosed;
            Http1RequestProcessor processor = _processor = new Http1RequestProcessor(this, _settings, _head, _input, _stream, _tls);

            bool first = true;
            while (!_aborted)
            {
                if (!await ReadHeadAsync(first).ConfigureAwait(false))
                {
                    break;
                }

                first = false;
                if (!await processor.ProcessAsync().ConfigureAwait(false))
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // The peer went away, the TLS handshake failed (an IOException, see ITlsConnection) or the connection
            // was aborted: nothing to answer.
        }
        finally
        {
            Dispose();
        }
    }

    private void OnPeerClosed()
    {
        if (RequestActive)
        {
            _processor?.Request.CancelAborted();
        }
    }

    /// <summary>Reads and parses the next head. False = the connection is done (clean close, timeout or bad request answered).</summary>
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> ReadHeadAsync(bool first)
    {
        bool proxyPending = first && _settings.Parser.ProxyProtocol != ProxyProtocolMode.Off;
        bool started = BeginWaitingForHead(first);
        try
        {
            while (true)
            {
                bool eof = _input.IsEof && !_input.HasBackgroundFill;
                if (_input.Length > 0 || eof)
                {
                    if (_input.Length == 0)
                    {
                        return false;
                    }

                    if (!started)
                    {
                        started = true;
                        HeadStarted();
                    }

                    if (_settings.Parser.Uwsgi)
                    {
                        if (TryReadUwsgiPacket(eof, out int packetBytes))
                        {
                            _input.Advance(packetBytes);
                            IsIdle = false;
                            Deadline = long.MaxValue;
                            return true;
                        }
                    }
                    else if (proxyPending)
                    {
                        if (TryReadProxyHeader(eof))
                        {
                            proxyPending = false;
                            continue;
                        }
                    }
                    else if (HttpRequestParser.TryParseHead(_input.Span, eof, _settings.Parser, PeerTrusted, _head, out int consumed))
                    {
                        RequireHost();
                        _input.Advance(consumed);
                        IsIdle = false;
                        Deadline = long.MaxValue;
                        return true;
                    }
                }

                if (!await _input.FillAsync().ConfigureAwait(false) && _input.Length == 0)
                {
                    return false;
                }
            }
        }
        catch (HttpParseException ex)
        {
            IsIdle = false;
            await RejectAsync(ex).ConfigureAwait(false);
            return false;
        }
    }

    /// <summary>
    /// RFC 9112 §3.2: an HTTP/1.1 request without Host is a 400 (gunicorn serves it; Kestrel refuses it). Checked
    /// here rather than in the parser, which keeps gunicorn's own rules (and its request corpus) as they are.
    /// </summary>
    private void RequireHost()
    {
        if (_head.VersionMajor != 1 || _head.VersionMinor != 1)
        {
            return;
        }

        foreach (KeyValuePair<string, string> header in _head.Headers)
        {
            if (header.Key.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                return;
            }
        }

        throw new HttpParseException(HttpParseError.InvalidHeader, "missing Host");
    }

    /// <summary>Sets the deadline for the wait ahead. True = bytes of the next request are already buffered.</summary>
    private bool BeginWaitingForHead(bool first)
    {
        if (_input.Length > 0)
        {
            HeadStarted();
            return true;
        }

        // A connection the worker accepted is owed its first request even during a graceful stop
        // (the client already connected to a listening socket); only a keep-alive connection
        // waiting for a further request is idle and may be closed at once.
        IsIdle = !first;
        Deadline = Environment.TickCount64 + (first ? _settings.HeaderTimeoutMs : _settings.KeepAliveMs);
        if (_closeRequested && !first)
        {
            Deadline = Math.Min(Deadline, Environment.TickCount64 + IdleCloseGraceMs);
        }

        if (!first && _settings.DetectDisconnects)
        {
            // An idle keep-alive connection waits with a zero-byte read and holds no input buffer meanwhile.
            _input.StartBackgroundFill();
        }

        return false;
    }

    /// <summary>The first byte of a request is here: its clock and its header timeout start.</summary>
    private void HeadStarted()
    {
        IsIdle = false;
        RequestStart = Stopwatch.GetTimestamp();
        ArmDeadline(_settings.HeaderTimeoutMs);
    }

    /// <summary>
    /// protocol = "uwsgi": the next packet instead of an HTTP head. Only peers in uwsgi_allow_ips may speak it
    /// (a Unix-socket peer always may); the check waits for the first byte so the refusal is an answer, not a reset.
    /// </summary>
    private bool TryReadUwsgiPacket(bool eof, out int consumed)
    {
        if (!_settings.Parser.UwsgiAllowIps.Allows((RemoteEndPoint as IPEndPoint)?.Address))
        {
            throw new HttpParseException(HttpParseError.ForbiddenUwsgiRequest);
        }

        _uwsgi ??= new UwsgiPacketParser(_settings.Parser);
        return _uwsgi.TryParse(_input.Span, eof, _head, out consumed);
    }

    private bool TryReadProxyHeader(bool eof)
    {
        IPAddress? peer = (RemoteEndPoint as IPEndPoint)?.Address;
        bool allowed = _settings.Parser.ProxyAllowIps.Allows(peer);
        if (!ProxyProtocolParser.TryParse(_input.Span, eof, _settings.Parser.ProxyProtocol, allowed, out int proxyBytes, out ProxyInfo? info))
        {
            return false;
        }

        ProxyInfo = info;
        _input.Advance(proxyBytes);
        return true;
    }

    /// <summary>Answers a head that could not be parsed (when it has a status to answer with) and reports it.</summary>
    private async ValueTask RejectAsync(HttpParseException ex)
    {
        if (ex.Status == 0 || _aborted)
        {
            return;
        }

        ArmDeadline(_settings.HeaderTimeoutMs);
        string reason = ex.Error.ToString();
        try
        {
            await _stream.WriteAsync(ex.ToResponse()).ConfigureAwait(false);
            await _stream.FlushAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // the client is gone
        }

        try
        {
            _settings.Events.RequestCompleted(CreateErrorContext(ex.Status), new RequestSummary(ex.Status, reason.Length, Stopwatch.GetElapsedTime(RequestStart), "-", ex) { Started = false });
        }
        catch (Exception)
        {
            // the worker's own reporting failed; the connection closes anyway
        }
    }

    private DefaultHttpContext CreateErrorContext(int status)
    {
        var context = new DefaultHttpContext();
        context.Response.StatusCode = status;
        if (RemoteEndPoint is IPEndPoint ip)
        {
            context.Connection.RemoteIpAddress = ip.Address;
            context.Connection.RemotePort = ip.Port;
        }

        return context;
    }

    private static EndPoint? SafeEndPoint(Socket socket, bool remote)
    {
        try
        {
            return remote ? socket.RemoteEndPoint : socket.LocalEndPoint;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        Deadline = long.MaxValue;
        try
        {
            _stream.Dispose();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException)
        {
            // closing anyway
        }

        _input?.Dispose();
        _processor?.Dispose();
    }
}
