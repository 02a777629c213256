using Unicornet.Http.Parsing;

namespace Unicornet.Http.Connection;

/// <summary>
/// Streams one request's body out of the connection input: Content-Length or chunked (with trailers). Errors
/// surface lazily, when the body is read, as in gunicorn.
/// </summary>
internal sealed class RequestBodyReader
{
    private const int MaxChunkSizeLine = 4096;
    private readonly ConnectionInput _input;
    private readonly HttpParserSettings _settings;
    private RequestHead _head = null!;
    private long _remaining;
    private State _state;
    private Func<ValueTask>? _beforeFirstRead;

    public RequestBodyReader(ConnectionInput input, HttpParserSettings settings)
    {
        _input = input;
        _settings = settings;
    }

    private enum State
    {
        Done,
        Length,
        ChunkSize,
        ChunkData,
        ChunkDataEnd,
        Trailers,
    }

    public bool IsComplete => _state == State.Done;

    /// <summary>Bytes of a Content-Length body still unread (0 for chunked).</summary>
    public long Remaining => _state == State.Length ? _remaining : 0;

    public long? MaxBodySize { get; set; }

    public long BytesRead { get; private set; }

    /// <summary>The peer closed before the announced Content-Length arrived.</summary>
    public bool Truncated { get; private set; }

    /// <summary>Prepares for a new request. <paramref name="beforeFirstRead"/> runs once (100-continue).</summary>
    public void Reset(RequestHead head, Func<ValueTask>? beforeFirstRead)
    {
        _head = head;
        BytesRead = 0;
        Truncated = false;
        MaxBodySize = null;
        _beforeFirstRead = beforeFirstRead;
        if (head.Chunked)
        {
            _state = State.ChunkSize;
        }
        else if (head.ContentLength > 0)
        {
            _state = State.Length;
            _remaining = head.ContentLength;
        }
        else
        {
            _state = State.Done;
            _beforeFirstRead = null;
        }
    }

    public async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        if (_state == State.Done)
        {
            return 0;
        }

        if (_beforeFirstRead is Func<ValueTask> first)
        {
            _beforeFirstRead = null;
            if (MaxBodySize is long max && _head.ContentLength > max)
            {
                throw new HttpParseException(HttpParseError.RequestBodyTooLarge);
            }

            await first().ConfigureAwait(false);
        }

        if (destination.IsEmpty)
        {
            return 0;
        }

        while (true)
        {
            switch (_state)
            {
                case State.Done:
                    return 0;
                case State.Length:
                    {
                        if (_input.Length == 0 && !await _input.FillAsync(cancellationToken).ConfigureAwait(false))
                        {
                            // gunicorn's LengthReader ends a body cut short by EOF without an error (corpus valid/099);
                            // the connection is over anyway.
                            Truncated = true;
                            _state = State.Done;
                            return 0;
                        }

                        int n = (int)Math.Min(Math.Min(destination.Length, _input.Length), _remaining);
                        _input.Span[..n].CopyTo(destination.Span);
                        _input.Advance(n);
                        _remaining -= n;
                        if (_remaining == 0)
                        {
                            _state = State.Done;
                        }

                        return Count(n);
                    }

                case State.ChunkData:
                    {
                        if (_input.Length == 0 && !await _input.FillAsync(cancellationToken).ConfigureAwait(false))
                        {
                            throw new HttpParseException(HttpParseError.NoMoreData);
                        }

                        int n = (int)Math.Min(Math.Min(destination.Length, _input.Length), _remaining);
                        _input.Span[..n].CopyTo(destination.Span);
                        _input.Advance(n);
                        _remaining -= n;
                        if (_remaining == 0)
                        {
                            _state = State.ChunkDataEnd;
                        }

                        return Count(n);
                    }

                case State.ChunkDataEnd:
                    while (_input.Length < 2)
                    {
                        if (!await _input.FillAsync(cancellationToken).ConfigureAwait(false))
                        {
                            throw new HttpParseException(HttpParseError.ChunkMissingTerminator);
                        }
                    }

                    if (_input.Span[0] != (byte)'\r' || _input.Span[1] != (byte)'\n')
                    {
                        throw new HttpParseException(HttpParseError.ChunkMissingTerminator);
                    }

                    _input.Advance(2);
                    _state = State.ChunkSize;
                    break;
                case State.ChunkSize:
                    await ReadChunkSizeAsync(cancellationToken).ConfigureAwait(false);
                    break;
                case State.Trailers:
                    await ReadTrailersAsync(cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
    }

    private int Count(int n)
    {
        BytesRead += n;
        if (MaxBodySize is long max && BytesRead > max)
        {
            throw new HttpParseException(HttpParseError.RequestBodyTooLarge);
        }

        return n;
    }

    private async ValueTask ReadChunkSizeAsync(CancellationToken cancellationToken)
    {
        int crlf;
        while ((crlf = _input.Span.IndexOf("\r\n"u8)) < 0)
        {
            if (_input.Length > MaxChunkSizeLine)
            {
                throw new HttpParseException(HttpParseError.InvalidChunkSize, "chunk size line too long");
            }

            if (!await _input.FillAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new HttpParseException(HttpParseError.NoMoreData);
            }
        }

        long size = ParseChunkSize(_input.Span[..crlf]);
        _input.Advance(crlf + 2);
        if (size == 0)
        {
            _state = State.Trailers;
        }
        else
        {
            _remaining = size;
            _state = State.ChunkData;
        }
    }

    internal static long ParseChunkSize(ReadOnlySpan<byte> line)
    {
        int semicolon = line.IndexOf((byte)';');
        ReadOnlySpan<byte> size = line;
        if (semicolon >= 0)
        {
            // RFC 9112 7.1.1: whitespace is tolerated before an extension, and only there.
            if (line[(semicolon + 1)..].Contains((byte)'\r'))
            {
                throw new HttpParseException(HttpParseError.InvalidChunkExtension, "bare CR");
            }

            size = line[..semicolon].TrimEnd(" \t"u8);
        }

        if (size.IsEmpty)
        {
            throw new HttpParseException(HttpParseError.InvalidChunkSize);
        }

        long value = 0;
        foreach (byte b in size)
        {
            int digit = b switch
            {
                >= (byte)'0' and <= (byte)'9' => b - '0',
                >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
                _ => -1,
            };
            if (digit < 0)
            {
                throw new HttpParseException(HttpParseError.InvalidChunkSize);
            }

            if (value > (long.MaxValue >> 4))
            {
                throw new HttpParseException(HttpParseError.InvalidChunkSize, "chunk size too large");
            }

            value = (value << 4) | (uint)digit;
        }

        return value;
    }

    private async ValueTask ReadTrailersAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadOnlySpan<byte> span = _input.Span;
            if (span.Length >= 2 && span[0] == (byte)'\r' && span[1] == (byte)'\n')
            {
                _input.Advance(2);
                _state = State.Done;
                return;
            }

            int end = span.IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                HttpRequestParser.ParseTrailers(span[..end], _settings, _head);
                _input.Advance(end + 4);
                _state = State.Done;
                return;
            }

            if (span.Length > _settings.MaxHeaderBuffer)
            {
                throw new HttpParseException(HttpParseError.LimitRequestHeaders, "trailers too large");
            }

            if (!await _input.FillAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new HttpParseException(HttpParseError.ChunkMissingTerminator);
            }
        }
    }
}
