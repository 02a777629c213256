using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Unicornet.Http.Parsing;

namespace Unicornet.Http.Connection;

/// <summary>
/// The request body the app reads (Kestrel's message body): the framing decoder, 100 Continue sent on the first
/// read, the per-request size limit, the first body error (which decides how the request ends), trailers, and
/// draining an unread body so the connection can stay open.
/// </summary>
internal sealed class Http1RequestBody :
    IHttpRequestBodyDetectionFeature,
    IHttpMaxRequestBodySizeFeature,
    IHttpRequestTrailersFeature
{
    private static readonly byte[] s_continue = "HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray();
    private readonly Http1Connection _connection;
    private readonly ConnectionSettings _settings;
    private readonly RequestHead _head;
    private readonly ConnectionInput _input;
    private readonly Http1OutputProducer _output;
    private readonly RequestBodyReader _reader;
    private Func<ValueTask>? _sendContinue;
    private bool _expectContinuePending;
    private HttpParseException? _error;
    private long? _maxRequestBodySize;
    private IHeaderDictionary? _trailers;

    public Http1RequestBody(Http1Connection connection, ConnectionSettings settings, RequestHead head, ConnectionInput input, Http1OutputProducer output)
    {
        _connection = connection;
        _settings = settings;
        _head = head;
        _input = input;
        _output = output;
        _reader = new RequestBodyReader(input, settings.Parser);
    }

    public bool IsComplete => _reader.IsComplete;

    /// <summary>The client waits for 100 Continue and has not been sent it: it may never send the body.</summary>
    public bool ExpectContinuePending => _expectContinuePending;

    /// <summary>The first framing or size error the app's reads met; the rest of the stream cannot be trusted.</summary>
    public HttpParseException? Error => _error;

    /// <summary>Whether what is left of the body could be drained for the connection to carry another request.</summary>
    public bool AllowsKeepAlive =>
        _reader.IsComplete || (!_expectContinuePending && !_head.Chunked && _reader.Remaining <= _settings.MaxDrainBytes);

    public void Begin()
    {
        _trailers = null;
        _expectContinuePending = _head.ExpectContinue && _head.HasBody;
        _error = null;
        _reader.Reset(_head, _expectContinuePending ? _sendContinue ??= SendContinueAsync : null);
        _maxRequestBodySize = _settings.Options.MaxRequestBodySize;
    }

    private async ValueTask SendContinueAsync()
    {
        if (!_expectContinuePending || _output.HeadWritten)
        {
            return;
        }

        _expectContinuePending = false;
        await _output.WriteDirectAsync(s_continue, default).ConfigureAwait(false);
        await _output.FlushStreamAsync(default).ConfigureAwait(false);
    }

    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    internal async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        _reader.MaxBodySize = _maxRequestBodySize;
        int n;
        try
        {
            n = await _reader.ReadAsync(destination, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpParseException ex)
        {
            _error ??= ex;
            throw;
        }

        if (_reader.IsComplete && _connection.RequestActive)
        {
            if (_head.Trailers.Count > 0)
            {
                SetTrailers();
            }

            if (_settings.DetectDisconnects)
            {
                _input.StartBackgroundFill();
            }
        }

        return n;
    }

    /// <summary>Reads and discards what the app left unread (up to MaxDrainBytes). False = close instead.</summary>
    public async ValueTask<bool> DrainAsync()
    {
        if (_reader.Remaining > _settings.MaxDrainBytes)
        {
            return false;
        }

        _connection.ArmDeadline(_settings.HeaderTimeoutMs);
        byte[] scratch = ArrayPool<byte>.Shared.Rent(8192);
        try
        {
            long drained = 0;
            int n;
            while ((n = await _reader.ReadAsync(scratch).ConfigureAwait(false)) > 0)
            {
                drained += n;
                if (drained > _settings.MaxDrainBytes)
                {
                    return false;
                }
            }

            return true;
        }
        catch (HttpParseException)
        {
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
            _connection.ClearDeadline();
        }
    }

    private void SetTrailers()
    {
        var trailers = new HeaderDictionary();
        foreach (KeyValuePair<string, string> pair in _head.Trailers)
        {
            trailers.Append(pair.Key, pair.Value);
        }

        _trailers = trailers;
    }

    // ---- features -----------------------------------------------------------------------------------------

    bool IHttpRequestBodyDetectionFeature.CanHaveBody => _head.HasBody;

    bool IHttpMaxRequestBodySizeFeature.IsReadOnly => _reader.BytesRead > 0 || _output.HeadWritten;

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

    IHeaderDictionary IHttpRequestTrailersFeature.Trailers =>
        _trailers ?? throw new InvalidOperationException("the request trailers are not available yet");

    bool IHttpRequestTrailersFeature.Available => _reader.IsComplete;
}
