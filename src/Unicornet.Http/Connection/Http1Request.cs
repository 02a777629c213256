using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using Unicornet.Http.Forwarding;
using Unicornet.Http.Parsing;
using Unicornet.Http.Response;
using Unicornet.Http.Tls;

namespace Unicornet.Http.Connection;

/// <summary>
/// The request the app sees, filled from the parsed head and reused per request: request line, headers, the
/// client's address (PROXY protocol and trusted X-Forwarded-For applied, or a uWSGI packet's REMOTE_ADDR), identifiers, RequestAborted, TLS and
/// the synchronous-I/O switch.
/// </summary>
internal sealed class Http1Request :
    IHttpRequestFeature,
    IHttpConnectionFeature,
    IHttpRequestLifetimeFeature,
    IHttpRequestIdentifierFeature,
    IHttpBodyControlFeature,
    IDisposable
{
    private readonly Http1Connection _connection;
    private readonly ConnectionSettings _settings;
    private readonly RequestHead _head;
    private readonly ITlsConnection? _tls;
    private readonly HeaderDictionary _headers = new();
    private readonly RequestBodyStream _bodyStream;
    private CancellationTokenSource? _abortedSource;
    private bool _abortedCancelled;
    private int _requestNumber;
    private string _method = "";
    private string _protocol = "";
    private string _scheme = "http";
    private string _pathBase = "";
    private string _path = "";
    private string _queryString = "";
    private string _rawTarget = "";
    private Stream _body = Stream.Null;
    private string? _traceIdentifier;
    private string? _connectionId;
    private IPAddress? _remoteIp;
    private int _remotePort;
    private bool _allowSynchronousIO;

    public Http1Request(Http1Connection connection, ConnectionSettings settings, RequestHead head, ITlsConnection? tls, Http1RequestBody body)
    {
        _connection = connection;
        _settings = settings;
        _head = head;
        _tls = tls;
        _bodyStream = new RequestBodyStream(body, this);
    }

    public HeaderDictionary Headers => _headers;

    /// <summary>What the feature collection answers ITlsConnectionFeature with; null on a plain connection.</summary>
    public object? TlsFeature => _tls?.Feature;

    /// <summary>Takes the next parsed head: everything the app may have changed on the previous request is reset.</summary>
    public void Begin()
    {
        _requestNumber++;
        _abortedCancelled = false;
        _allowSynchronousIO = _settings.Options.AllowSynchronousIO;
        CopyHeaders();
        _method = _head.Method;
        _protocol = _head.Protocol;
        _rawTarget = _head.RawTarget;
        _scheme = _head.HeaderScheme ?? (_tls is not null ? "https" : "http");
        _queryString = _head.Query.Length == 0 ? "" : "?" + _head.Query;
        SetPath();
        _body = _bodyStream;
        ResolveRemote();
        _traceIdentifier = null;
        ReleaseAbortedSource();
    }

    private void CopyHeaders()
    {
        _headers.Clear();
        foreach (KeyValuePair<string, string> header in _head.Headers)
        {
            if (_headers.TryGetValue(header.Key, out StringValues existing))
            {
                _headers[header.Key] = StringValues.Concat(existing, header.Value);
            }
            else
            {
                _headers[header.Key] = header.Value;
            }
        }
    }

    /// <summary>The decoded path, with <c>root_path</c> split off into PathBase; an absolute-form target keeps only its path.</summary>
    private void SetPath()
    {
        string path = _head.Uwsgi?.DecodedPath ?? PathDecoder.Decode(
            _head.RawTarget.Length > 0 && _head.RawTarget[0] == '/' ? _head.Path
            : _head.RawTarget.Contains("://", StringComparison.Ordinal) ? (_head.Path.Length == 0 ? "/" : _head.Path)
            : "");

        // A uWSGI front end's SCRIPT_NAME is the mount point; it takes the place of root_path.
        string root = _head.Uwsgi is { ScriptName.Length: > 0 } uwsgi ? uwsgi.ScriptName : _settings.Parser.Forwarding.RootPath;
        ForwardingPolicy.SplitRoot(root, path, out _pathBase, out _path);
    }

    private void ResolveRemote()
    {
        _remoteIp = null;
        _remotePort = 0;
        if (_head.Uwsgi is { } uwsgi)
        {
            // The front end is the peer; the client is who it says (it is trusted by uwsgi_allow_ips).
            _remoteIp = uwsgi.RemoteAddress;
            _remotePort = uwsgi.RemotePort;
            return;
        }

        if (_connection.RemoteEndPoint is IPEndPoint ip)
        {
            _remoteIp = ip.Address;
            _remotePort = ip.Port;
        }

        if (_connection.ProxyInfo is { ClientAddress: IPAddress client } proxy)
        {
            _remoteIp = client;
            _remotePort = proxy.ClientPort;
        }

        if (_connection.PeerTrusted && _headers.TryGetValue(ForwardingPolicy.ForwardedForHeader, out StringValues forwarded)
            && _settings.Parser.Forwarding.ClientFromForwardedFor(forwarded.ToString()) is { } chosen)
        {
            _remoteIp = chosen;
            _remotePort = 0;
        }
    }

    /// <summary>The client went away or the connection was dropped: RequestAborted fires (off this thread).</summary>
    public void CancelAborted()
    {
        _abortedCancelled = true;
        CancellationTokenSource? source = _abortedSource;
        if (source is null)
        {
            return;
        }

        ThreadPool.UnsafeQueueUserWorkItem(
            static s =>
            {
                try
                {
                    s.Cancel();
                }
                catch (ObjectDisposedException)
                {
                    // the request already ended
                }
            },
            source,
            preferLocal: false);
    }

    /// <summary>The connection is done: releases RequestAborted's source and the body stream.</summary>
    public void Dispose()
    {
        ReleaseAbortedSource();
        _bodyStream.Dispose();
    }

    private void ReleaseAbortedSource()
    {
        _abortedSource?.Dispose();
        _abortedSource = null;
    }

    /// <summary>Throws as Kestrel does when the app uses blocking body I/O without opting in.</summary>
    internal void ThrowIfSynchronousIODisallowed(bool write)
    {
        if (!_allowSynchronousIO)
        {
            throw new InvalidOperationException(write
                ? "Synchronous operations are disallowed. Call WriteAsync or set AllowSynchronousIO to true instead."
                : "Synchronous operations are disallowed. Call ReadAsync or set AllowSynchronousIO to true instead.");
        }
    }

    // ---- IHttpRequestFeature ------------------------------------------------------------------------------

    string IHttpRequestFeature.Protocol { get => _protocol; set => _protocol = value; }

    string IHttpRequestFeature.Scheme { get => _scheme; set => _scheme = value; }

    string IHttpRequestFeature.Method { get => _method; set => _method = value; }

    string IHttpRequestFeature.PathBase { get => _pathBase; set => _pathBase = value; }

    string IHttpRequestFeature.Path { get => _path; set => _path = value; }

    string IHttpRequestFeature.QueryString { get => _queryString; set => _queryString = value; }

    string IHttpRequestFeature.RawTarget { get => _rawTarget; set => _rawTarget = value; }

    IHeaderDictionary IHttpRequestFeature.Headers { get => _headers; set => throw new NotSupportedException("request headers cannot be replaced"); }

    Stream IHttpRequestFeature.Body { get => _body; set => _body = value; }

    // ---- IHttpConnectionFeature ---------------------------------------------------------------------------

    string IHttpConnectionFeature.ConnectionId
    {
        get => _connectionId ??= _connection.ConnectionNumber.ToString("X", CultureInfo.InvariantCulture);
        set => _connectionId = value;
    }

    IPAddress? IHttpConnectionFeature.RemoteIpAddress { get => _remoteIp; set => _remoteIp = value; }

    IPAddress? IHttpConnectionFeature.LocalIpAddress
    {
        get => _head.Uwsgi?.LocalAddress ?? (_connection.LocalEndPoint as IPEndPoint)?.Address;
        set => throw new NotSupportedException();
    }

    int IHttpConnectionFeature.RemotePort { get => _remotePort; set => _remotePort = value; }

    int IHttpConnectionFeature.LocalPort
    {
        get => _head.Uwsgi is { LocalPort: >= 0 } uwsgi ? uwsgi.LocalPort : (_connection.LocalEndPoint as IPEndPoint)?.Port ?? 0;
        set => throw new NotSupportedException();
    }

    // ---- IHttpRequestLifetimeFeature ----------------------------------------------------------------------

    CancellationToken IHttpRequestLifetimeFeature.RequestAborted
    {
        get
        {
            if (_abortedSource is null)
            {
                _abortedSource = new CancellationTokenSource();
                if (_abortedCancelled || _connection.IsAborted)
                {
                    _abortedSource.Cancel();
                }
            }

            return _abortedSource.Token;
        }

        set => throw new NotSupportedException();
    }

    // An aborted connection is never kept alive, so dropping it is all there is to do.
    void IHttpRequestLifetimeFeature.Abort() => _connection.Abort();

    // ---- identifiers, body control -------------------------------------------------------------------------

    string IHttpRequestIdentifierFeature.TraceIdentifier
    {
        get => _traceIdentifier ??= ((IHttpConnectionFeature)this).ConnectionId + ":" + _requestNumber.ToString("X8", CultureInfo.InvariantCulture);
        set => _traceIdentifier = value;
    }

    bool IHttpBodyControlFeature.AllowSynchronousIO { get => _allowSynchronousIO; set => _allowSynchronousIO = value; }
}
