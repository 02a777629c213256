using System.Collections;
using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;


namespace Unicornet.Http.Connection;

/// <summary>The request's features, implemented directly on the connection (one object, reused per request).</summary>
internal sealed partial class Http1Connection :
    IFeatureCollection,
    IHttpRequestFeature,
    IHttpResponseFeature,
    IHttpResponseBodyFeature,
    IHttpConnectionFeature,
    IHttpRequestLifetimeFeature,
    IHttpRequestIdentifierFeature,
    IHttpRequestBodyDetectionFeature,
    IHttpMaxRequestBodySizeFeature,
    IHttpBodyControlFeature,
    IHttpRequestTrailersFeature,
    ITlsConnectionFeature,
    IHttpEarlyHintsFeature,
    IHttpResponseTrailersFeature,
    IHttpUpgradeFeature
{
    private Dictionary<Type, object?>? _overrides;
    private int _revision;
    private string _method = "";
    private string _protocol = "";
    private string _scheme = "http";
    private string _pathBase = "";
    private string _path = "";
    private string _queryString = "";
    private string _rawTarget = "";
    private Stream _requestBody = Stream.Null;
    private string? _traceIdentifier;
    private string? _connectionId;
    private long? _maxRequestBodySize;
    private bool _requestAbortedCancelled;
    private IHeaderDictionary? _requestTrailers;
    private bool _allowSynchronousIO;

    // ---- IFeatureCollection -------------------------------------------------------------------------------

    bool IFeatureCollection.IsReadOnly => false;

    int IFeatureCollection.Revision => _revision;

    object? IFeatureCollection.this[Type key]
    {
        get
        {
            if (_overrides is not null && _overrides.TryGetValue(key, out object? replaced))
            {
                return replaced;
            }

            return IsOwnFeature(key) ? this : null;
        }

        set
        {
            _overrides ??= new Dictionary<Type, object?>();
            _overrides[key] = value;
            _revision++;
        }
    }

    TFeature? IFeatureCollection.Get<TFeature>() where TFeature : default => (TFeature?)((IFeatureCollection)this)[typeof(TFeature)];

    void IFeatureCollection.Set<TFeature>(TFeature? instance) where TFeature : default => ((IFeatureCollection)this)[typeof(TFeature)] = instance;

    IEnumerator<KeyValuePair<Type, object>> IEnumerable<KeyValuePair<Type, object>>.GetEnumerator()
    {
        foreach (Type type in s_ownFeatures)
        {
            object? value = ((IFeatureCollection)this)[type];
            if (value is not null)
            {
                yield return new KeyValuePair<Type, object>(type, value);
            }
        }

        if (_overrides is not null)
        {
            foreach (KeyValuePair<Type, object?> pair in _overrides)
            {
                if (pair.Value is not null && Array.IndexOf(s_ownFeatures, pair.Key) < 0)
                {
                    yield return new KeyValuePair<Type, object>(pair.Key, pair.Value);
                }
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable<KeyValuePair<Type, object>>)this).GetEnumerator();

    private static readonly Type[] s_ownFeatures =
    [
        typeof(IHttpRequestFeature), typeof(IHttpResponseFeature), typeof(IHttpResponseBodyFeature),
        typeof(IHttpConnectionFeature), typeof(IHttpRequestLifetimeFeature), typeof(IHttpRequestIdentifierFeature),
        typeof(IHttpRequestBodyDetectionFeature), typeof(IHttpMaxRequestBodySizeFeature), typeof(IHttpBodyControlFeature),
        typeof(IHttpRequestTrailersFeature), typeof(ITlsConnectionFeature), typeof(IHttpEarlyHintsFeature),
        typeof(IHttpResponseTrailersFeature), typeof(IHttpUpgradeFeature),
    ];

    private bool IsOwnFeature(Type key)
    {
        if (key == typeof(ITlsConnectionFeature))
        {
            return _ssl is not null;
        }

        if (key == typeof(IHttpResponseTrailersFeature))
        {
            // HTTP/1.1 can carry trailers only after the last chunk of a chunked body.
            return ResponseTrailersAllowed;
        }

        if (key == typeof(IHttpUpgradeFeature))
        {
            // Only where an upgraded connection may hold its task for as long as it lives (the async class).
            return _settings.AllowUpgrade;
        }

        return Array.IndexOf(s_ownFeatures, key) >= 0;
    }

    private void ResetFeatureOverrides()
    {
        if (_overrides is { Count: > 0 })
        {
            _overrides.Clear();
        }

        _revision++;
        _requestTrailers = null;
        _requestAbortedCancelled = false;
        _allowSynchronousIO = _settings.Options.AllowSynchronousIO;
        ResetTrailersAndUpgrade();
    }

    // ---- IHttpRequestFeature ------------------------------------------------------------------------------

    string IHttpRequestFeature.Protocol { get => _protocol; set => _protocol = value; }

    string IHttpRequestFeature.Scheme { get => _scheme; set => _scheme = value; }

    string IHttpRequestFeature.Method { get => _method; set => _method = value; }

    string IHttpRequestFeature.PathBase { get => _pathBase; set => _pathBase = value; }

    string IHttpRequestFeature.Path { get => _path; set => _path = value; }

    string IHttpRequestFeature.QueryString { get => _queryString; set => _queryString = value; }

    string IHttpRequestFeature.RawTarget { get => _rawTarget; set => _rawTarget = value; }

    IHeaderDictionary IHttpRequestFeature.Headers { get => _requestHeaders; set => throw new NotSupportedException("request headers cannot be replaced"); }

    Stream IHttpRequestFeature.Body { get => _requestBody; set => _requestBody = value; }

    // ---- IHttpConnectionFeature ---------------------------------------------------------------------------

    string IHttpConnectionFeature.ConnectionId
    {
        get => _connectionId ??= _connectionNumber.ToString("X", CultureInfo.InvariantCulture);
        set => _connectionId = value;
    }

    IPAddress? IHttpConnectionFeature.RemoteIpAddress { get => _remoteIp; set => _remoteIp = value; }

    IPAddress? IHttpConnectionFeature.LocalIpAddress
    {
        get => (LocalEndPoint as IPEndPoint)?.Address;
        set => throw new NotSupportedException();
    }

    int IHttpConnectionFeature.RemotePort { get => _remotePort; set => _remotePort = value; }

    int IHttpConnectionFeature.LocalPort
    {
        get => (LocalEndPoint as IPEndPoint)?.Port ?? 0;
        set => throw new NotSupportedException();
    }

    // ---- IHttpRequestLifetimeFeature ----------------------------------------------------------------------

    CancellationToken IHttpRequestLifetimeFeature.RequestAborted
    {
        get
        {
            if (_requestAbortedSource is null)
            {
                _requestAbortedSource = new CancellationTokenSource();
                if (_requestAbortedCancelled || _aborted)
                {
                    _requestAbortedSource.Cancel();
                }
            }

            return _requestAbortedSource.Token;
        }

        set => throw new NotSupportedException();
    }

    void IHttpRequestLifetimeFeature.Abort()
    {
        _keepAlive = false;
        Abort();
    }

    // ---- small features -----------------------------------------------------------------------------------

    string IHttpRequestIdentifierFeature.TraceIdentifier
    {
        get => _traceIdentifier ??= ((IHttpConnectionFeature)this).ConnectionId + ":" + _requestNumber.ToString("X8", CultureInfo.InvariantCulture);
        set => _traceIdentifier = value;
    }

    bool IHttpRequestBodyDetectionFeature.CanHaveBody => _head.HasBody;

    bool IHttpMaxRequestBodySizeFeature.IsReadOnly => _body.BytesRead > 0 || _hasStarted;

    long? IHttpMaxRequestBodySizeFeature.MaxRequestBodySize
    {
        get => _maxRequestBodySize;
        set
        {
            if (((IHttpMaxRequestBodySizeFeature)this).IsReadOnly)
            {
                throw new InvalidOperationException("the request body has already been read");
            }

            _maxRequestBodySize = value;
        }
    }

    bool IHttpBodyControlFeature.AllowSynchronousIO { get => _allowSynchronousIO; set => _allowSynchronousIO = value; }

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

    IHeaderDictionary IHttpRequestTrailersFeature.Trailers =>
        _requestTrailers ?? throw new InvalidOperationException("the request trailers are not available yet");

    bool IHttpRequestTrailersFeature.Available => _body.IsComplete;

    private void SetTrailers()
    {
        var trailers = new HeaderDictionary();
        foreach (KeyValuePair<string, string> pair in _head.Trailers)
        {
            trailers.Append(pair.Key, pair.Value);
        }

        _requestTrailers = trailers;
    }

    // ---- TLS ----------------------------------------------------------------------------------------------

    X509Certificate2? ITlsConnectionFeature.ClientCertificate
    {
        get => _ssl?.RemoteCertificate as X509Certificate2 ?? (_ssl?.RemoteCertificate is X509Certificate c ? new X509Certificate2(c) : null);
        set => throw new NotSupportedException();
    }

    Task<X509Certificate2?> ITlsConnectionFeature.GetClientCertificateAsync(CancellationToken cancellationToken) =>
        Task.FromResult(((ITlsConnectionFeature)this).ClientCertificate);

    // ---- IHttpResponseBodyFeature -------------------------------------------------------------------------

    Stream IHttpResponseBodyFeature.Stream => _responseStream;

    PipeWriter IHttpResponseBodyFeature.Writer => _responseWriter;

    void IHttpResponseBodyFeature.DisableBuffering()
    {
        _bufferingDisabled = true;
    }

    // As on Kestrel, starting the response puts its head on the wire: a long-poll or event-stream client sees the
    // status and headers while the app still waits for something to send (held like any flush on the async class).
    Task IHttpResponseBodyFeature.StartAsync(CancellationToken cancellationToken) => FlushOutputAsync(cancellationToken).AsTask();

    Task IHttpResponseBodyFeature.SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken) =>
        SendFileAsync(path, offset, count, cancellationToken);

    Task IHttpResponseBodyFeature.CompleteAsync() => CompleteResponseAsync().AsTask();

    // ---- IHttpResponseFeature -----------------------------------------------------------------------------

    int IHttpResponseFeature.StatusCode
    {
        get => _statusCode;
        set
        {
            ThrowIfStarted();
            _statusCode = value;
        }
    }

    string? IHttpResponseFeature.ReasonPhrase
    {
        get => _reasonPhrase;
        set
        {
            ThrowIfStarted();
            _reasonPhrase = value;
        }
    }

    IHeaderDictionary IHttpResponseFeature.Headers { get => _responseHeaders; set => throw new NotSupportedException("response headers cannot be replaced"); }

    Stream IHttpResponseFeature.Body { get => _responseStream; set => throw new NotSupportedException("use IHttpResponseBodyFeature"); }

    bool IHttpResponseFeature.HasStarted => _hasStarted;

    void IHttpResponseFeature.OnStarting(Func<object, Task> callback, object state)
    {
        ThrowIfStarted();
        (_onStarting ??= new List<KeyValuePair<Func<object, Task>, object>>()).Add(new(callback, state));
    }

    void IHttpResponseFeature.OnCompleted(Func<object, Task> callback, object state) =>
        (_onCompleted ??= new List<KeyValuePair<Func<object, Task>, object>>()).Add(new(callback, state));

    private void ThrowIfStarted()
    {
        if (_hasStarted)
        {
            throw new InvalidOperationException("the response has already started");
        }
    }
}
