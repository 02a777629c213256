using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using Unicornet.Http.Parsing;
using Unicornet.Http.Response;

namespace Unicornet.Http.Connection;

/// <summary>
/// The response the app sees (status, headers, body, trailers, callbacks, early hints), reused per request. It
/// decides the framing and whether the connection stays open when the head is committed; the bytes themselves
/// belong to the <see cref="Http1OutputProducer"/>.
/// </summary>
internal sealed class Http1Response :
    IHttpResponseFeature,
    IHttpResponseBodyFeature,
    IHttpResponseTrailersFeature,
    IHttpEarlyHintsFeature,
    IDisposable
{
    private readonly Http1Connection _connection;
    private readonly ConnectionSettings _settings;
    private readonly RequestHead _head;
    private readonly Http1Request _request;
    private readonly Http1RequestBody _body;
    private readonly Http1OutputProducer _output;
    private readonly HeaderDictionary _headers = new();
    private readonly ResponseBodyStream _stream;
    private readonly ResponseBodyPipeWriter _writer;
    private int _statusCode = 200;
    private string? _reasonPhrase;
    private bool _keepAlive;
    private bool _upgrading;
    private IHeaderDictionary? _trailers;
    private List<KeyValuePair<Func<object, Task>, object>>? _onStarting;
    private List<KeyValuePair<Func<object, Task>, object>>? _onCompleted;
    private Http1Upgrade? _upgrade;

    public Http1Response(Http1Connection connection, ConnectionSettings settings, RequestHead head, Http1Request request, Http1RequestBody body, Http1OutputProducer output)
    {
        _connection = connection;
        _settings = settings;
        _head = head;
        _request = request;
        _body = body;
        _output = output;
        _stream = new ResponseBodyStream(output, request);
        _writer = new ResponseBodyPipeWriter(output, this);
        output.Attach(this);
    }

    public int StatusCode => _statusCode;

    /// <summary>Decided at commit; cleared when the response cannot end cleanly.</summary>
    public bool KeepAlive => _keepAlive;

    /// <summary>The upgrade feature of this response, made on first use (most connections never ask).</summary>
    public Http1Upgrade Upgrade => _upgrade ??= new Http1Upgrade(_connection, _settings, _head, _request, this, _output);

    /// <summary>A 101 is being sent: the connection becomes the app's.</summary>
    public bool IsUpgrading => _upgrading;

    /// <summary>HTTP/1.1 can carry trailers only after the last chunk of a chunked body.</summary>
    public bool TrailersAllowed => _head.VersionMajor == 1 && _head.VersionMinor >= 1 && !_upgrading && _head.Uwsgi is null;

    public void Reset()
    {
        _headers.Clear();
        _statusCode = 200;
        _reasonPhrase = null;
        _keepAlive = false;
        _upgrading = false;
        _trailers = null;
        _onStarting = null;
        _onCompleted = null;
        _output.Reset();
    }

    /// <summary>The connection cannot carry another request after this one.</summary>
    public void ForbidKeepAlive() => _keepAlive = false;

    /// <summary>Replaces whatever the app staged with a plain-text error response (nothing was sent yet).</summary>
    public void SetErrorResponse(int status)
    {
        _headers.Clear();
        _statusCode = status;
        _reasonPhrase = null;
        _onStarting = null;
        _headers["Content-Type"] = "text/plain";
        _output.StageOnly(System.Text.Encoding.ASCII.GetBytes(Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status)));
    }

    /// <summary>Turns this response into 101 Switching Protocols (the upgrade feature sends it).</summary>
    public void BeginUpgrade()
    {
        _upgrading = true;
        _statusCode = StatusCodes.Status101SwitchingProtocols;
        _reasonPhrase = "Switching Protocols";
        _output.DiscardStaged();
    }

    // ---- starting and completing ----------------------------------------------------------------------------

    internal async ValueTask StartAsync()
    {
        if (_output.HeadWritten)
        {
            return;
        }

        await FireOnStartingAsync().ConfigureAwait(false);
        Commit(appCompleted: false);
    }

    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
    internal async ValueTask CompleteAsync()
    {
        if (_output.IsCompleted)
        {
            return;
        }

        if (!_output.HeadWritten)
        {
            await FireOnStartingAsync().ConfigureAwait(false);
            Commit(appCompleted: true);
        }

        if (!CompleteBody())
        {
            // Fewer bytes than promised: the framing is broken, so the connection cannot be reused.
            _keepAlive = false;
        }

        await _output.SendAsync(default).ConfigureAwait(false);
    }

    private bool CompleteBody()
    {
        if (!_output.Chunked)
        {
            return _output.CompleteBody([]);
        }

        IHeaderDictionary? trailers = _trailers;
        if (trailers is HeaderDictionary own)
        {
            own.IsReadOnly = true;
        }

        if (trailers is null || trailers.Count == 0)
        {
            return _output.CompleteBody("0\r\n\r\n"u8);
        }

        var writer = new HeadWriter(256);
        try
        {
            ResponseHeadBuilder.WriteLastChunk(ref writer, trailers);
            return _output.CompleteBody(writer.Written);
        }
        finally
        {
            writer.Dispose();
        }
    }

    private async ValueTask FireOnStartingAsync()
    {
        List<KeyValuePair<Func<object, Task>, object>>? callbacks = _onStarting;
        _onStarting = null;
        if (callbacks is null)
        {
            return;
        }

        for (int i = callbacks.Count - 1; i >= 0; i--)
        {
            await callbacks[i].Key(callbacks[i].Value).ConfigureAwait(false);
        }
    }

    internal async ValueTask FireOnCompletedAsync()
    {
        List<KeyValuePair<Func<object, Task>, object>>? callbacks = _onCompleted;
        _onCompleted = null;
        if (callbacks is null)
        {
            return;
        }

        for (int i = callbacks.Count - 1; i >= 0; i--)
        {
            try
            {
                await callbacks[i].Key(callbacks[i].Value).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // OnCompleted failures cannot change a response that is already sent.
            }
        }
    }

    /// <summary>Freezes status and headers, decides the framing and puts the head in front of any staged body.</summary>
    private void Commit(bool appCompleted)
    {
        int status = _statusCode;
        bool noBodyStatus = status is (>= 100 and < 200) or 204 or 304;
        bool bodyAllowed = _head.Method != "HEAD" && !noBodyStatus;
        bool http10 = _head.VersionMajor == 1 && _head.VersionMinor == 0;

        // nginx's uwsgi module reads a body by Content-Length or to the close, never chunked (a HEAD's answer to the close).
        bool uwsgi = _head.Uwsgi is not null;
        long? declared = noBodyStatus && status != 304 ? null : _headers.ContentLength;
        int staged = !bodyAllowed ? 0 : declared is long cl && _output.StagedCount > cl ? (int)cl : _output.StagedCount;
        bool chunked = false;
        bool closeDelimited = false;
        long autoLength = -1;
        if (bodyAllowed && declared is null)
        {
            if (appCompleted && !TrailersDeclared(http10 || uwsgi))
            {
                autoLength = staged;
            }
            else if (!http10 && !uwsgi)
            {
                chunked = true;
            }
            else
            {
                closeDelimited = true;
            }
        }

        bool keepAlive = _settings.KeepAlive && !closeDelimited && !(uwsgi && _head.Method == "HEAD") && !_head.ShouldClose && _connection.MayServeAnother && _body.AllowsKeepAlive;
        var head = new HeadWriter(512);
        try
        {
            string? upgrade = _upgrading ? UpgradeToken() : null;
            ResponseHeadBuilder.WriteHead(
                ref head, status, _reasonPhrase, http10, _headers, _upgrading, upgrade, ref keepAlive, chunked, declared ?? autoLength, noBodyStatus && status != 304);
            _output.WriteHead(head.Written, staged, chunked, bodyAllowed, declared ?? (autoLength >= 0 ? autoLength : -1));
        }
        finally
        {
            head.Dispose();
        }

        _keepAlive = keepAlive;
    }

    /// <summary>An app that declared (a <c>Trailer</c> header) or set trailers gets a chunked body even if it never flushed.</summary>
    private bool TrailersDeclared(bool noChunking) => !noChunking && (_headers.ContainsKey("Trailer") || _trailers is { Count: > 0 });

    /// <summary>The 101's Upgrade value: the app's, else what the client asked for.</summary>
    private string? UpgradeToken()
    {
        if (_headers.TryGetValue("Upgrade", out StringValues upgrade) && upgrade.Count > 0)
        {
            return upgrade.ToString();
        }

        return _request.Headers.TryGetValue("Upgrade", out StringValues requested) ? requested.ToString() : null;
    }

    private void ThrowIfStarted()
    {
        if (_output.HeadWritten)
        {
            throw new InvalidOperationException("the response has already started");
        }
    }

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

    IHeaderDictionary IHttpResponseFeature.Headers { get => _headers; set => throw new NotSupportedException("response headers cannot be replaced"); }

    Stream IHttpResponseFeature.Body { get => _stream; set => throw new NotSupportedException("use IHttpResponseBodyFeature"); }

    bool IHttpResponseFeature.HasStarted => _output.HeadWritten;

    void IHttpResponseFeature.OnStarting(Func<object, Task> callback, object state)
    {
        ThrowIfStarted();
        (_onStarting ??= new List<KeyValuePair<Func<object, Task>, object>>()).Add(new(callback, state));
    }

    void IHttpResponseFeature.OnCompleted(Func<object, Task> callback, object state) =>
        (_onCompleted ??= new List<KeyValuePair<Func<object, Task>, object>>()).Add(new(callback, state));

    // ---- IHttpResponseBodyFeature -------------------------------------------------------------------------

    Stream IHttpResponseBodyFeature.Stream => _stream;

    PipeWriter IHttpResponseBodyFeature.Writer => _writer;

    void IHttpResponseBodyFeature.DisableBuffering() => _output.DisableBuffering();

    // As on Kestrel, starting the response puts its head on the wire: a long-poll or event-stream client sees the
    // status and headers while the app still waits for something to send (held like any flush on the async class).
    Task IHttpResponseBodyFeature.StartAsync(CancellationToken cancellationToken) => _output.FlushAsync(cancellationToken).AsTask();

    Task IHttpResponseBodyFeature.SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken) =>
        SendFileAsync(path, offset, count, cancellationToken);

    Task IHttpResponseBodyFeature.CompleteAsync() => CompleteAsync().AsTask();

    private async Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (file.ConfigureAwait(false))
        {
            if (offset > 0)
            {
                file.Seek(offset, SeekOrigin.Begin);
            }

            long remaining = count ?? (file.Length - offset);
            byte[] buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
            try
            {
                while (remaining > 0)
                {
                    int n = await file.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), cancellationToken).ConfigureAwait(false);
                    if (n == 0)
                    {
                        break;
                    }

                    await _output.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                    remaining -= n;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    // ---- IHttpResponseTrailersFeature and IHttpEarlyHintsFeature ------------------------------------------

    IHeaderDictionary IHttpResponseTrailersFeature.Trailers
    {
        get => _trailers ??= new HeaderDictionary();
        set => _trailers = value;
    }

    async Task<bool> IHttpEarlyHintsFeature.SendEarlyHintsAsync(IEnumerable<KeyValuePair<string, string>> headers, CancellationToken cancellationToken)
    {
        // Over uWSGI the front end reads exactly one response head: an interim one would be taken for the answer.
        if (_output.HeadWritten || (_head.VersionMajor == 1 && _head.VersionMinor == 0) || _head.Uwsgi is not null)
        {
            return false;
        }

        byte[] bytes = ResponseHeadBuilder.EarlyHints(headers);
        await _output.WriteDirectAsync(bytes, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>The connection is done: releases the body stream an app may still hold.</summary>
    public void Dispose() => _stream.Dispose();
}
