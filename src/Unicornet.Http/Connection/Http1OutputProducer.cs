using System.Buffers;
using System.Buffers.Text;

namespace Unicornet.Http.Connection;

/// <summary>
/// The response's bytes: one pooled output buffer holding the head and body bytes not yet sent. Before the
/// response starts, PipeWriter writes are staged there and the head is slid in front of them at commit; after
/// it, chunked bodies use a fixed 8-hex-digit size prefix reserved in place, so framing never copies the data.
/// Also owns the body's framing limits (HEAD/204/304, Content-Length), held-back flushes and the order of sends.
/// </summary>
internal sealed class Http1OutputProducer
{
    private const int FlushThreshold = 64 * 1024;
    private const int DirectWriteThreshold = 16 * 1024;
    private const int ChunkPrefix = 10;
    private readonly Http1Connection _connection;
    private readonly Stream _stream;
    private Http1Response _response = null!;
    private byte[] _out = [];
    private int _outCount;
    private int _chunkStart = -1;
    private bool _headWritten;
    private bool _completed;
    private bool _chunked;
    private bool _bodyAllowed = true;
    private bool _bufferingDisabled;
    private long _declaredLength = -1;
    private long _bodyBytes;

    // Held-back flushes (ConnectionSettings.AppsRunOnPollThread). While the app runs synchronously on the serving
    // thread a flush only records how far the bytes are due (_flushMark). If the app then yields, the serving loop
    // sends those bytes while the app's continuation may already append after them; _outLock orders the two: it
    // guards the buffer swap, the offsets and _loopSend, and the app's own sends wait for the loop's to finish.
    private readonly Lock _outLock = new();
    private bool _holdFlushes;
    private int _sendStart;
    private int _flushMark;
    private TaskCompletionSource? _loopSend;

    public Http1OutputProducer(Http1Connection connection, Stream stream)
    {
        _connection = connection;
        _stream = stream;
    }

    /// <summary>The head is in the buffer (or sent): status and headers are frozen.</summary>
    public bool HeadWritten => _headWritten;

    /// <summary>The body is finished: later writes are dropped.</summary>
    public bool IsCompleted => _completed;

    public bool Chunked => _chunked;

    /// <summary>Body bytes accepted so far (what the access log reports).</summary>
    public long BodyBytes => _bodyBytes;

    internal long UnflushedBytes => _outCount - Math.Max(_sendStart, _flushMark);

    /// <summary>Whether flushes are held while the app runs synchronously on the poll thread (set by the request processor).</summary>
    public bool HoldFlushes
    {
        get => _holdFlushes;
        set => _holdFlushes = value;
    }

    /// <summary>The response whose head a first write or flush commits; set once, by the response itself.</summary>
    internal void Attach(Http1Response response) => _response = response;

    public void Reset()
    {
        _headWritten = false;
        _completed = false;
        _chunked = false;
        _bodyAllowed = true;
        _bufferingDisabled = false;
        _declaredLength = -1;
        _bodyBytes = 0;
        _outCount = 0;
        _sendStart = 0;
        _flushMark = 0;
        _holdFlushes = false;
        _chunkStart = -1;
    }

    /// <summary>Hands the buffer back to the pool once nothing in it is pending, so an idle connection holds none.</summary>
    public void Release()
    {
        if (_out.Length > 0 && _outCount == 0)
        {
            ArrayPool<byte>.Shared.Return(_out);
            _out = [];
        }
    }

    public void DisableBuffering() => _bufferingDisabled = true;

    /// <summary>After a 101 head: the connection is the app's, no body framing applies.</summary>
    public void DisallowBody() => _bodyAllowed = false;

    /// <summary>Drops the staged (not yet committed) body bytes.</summary>
    public void DiscardStaged() => _outCount = 0;

    /// <summary>Replaces the staged body with <paramref name="body"/> (an error response's text).</summary>
    public void StageOnly(ReadOnlySpan<byte> body)
    {
        _outCount = 0;
        AppendRaw(body);
    }

    /// <summary>Staged bytes before the head is written: what the app wrote without flushing.</summary>
    public int StagedCount => _outCount;

    /// <summary>
    /// Puts <paramref name="head"/> in front of the first <paramref name="staged"/> staged body bytes and fixes the
    /// framing for the rest of the body.
    /// </summary>
    public void WriteHead(ReadOnlySpan<byte> head, int staged, bool chunked, bool bodyAllowed, long declaredLength)
    {
        int prefix = head.Length + (chunked && staged > 0 ? ChunkPrefix : 0);
        _outCount = staged;
        EnsureCapacity(prefix + 16);
        if (staged > 0)
        {
            Buffer.BlockCopy(_out, 0, _out, prefix, staged);
        }

        head.CopyTo(_out);
        _outCount = prefix + staged;
        _chunkStart = chunked && staged > 0 ? prefix : -1;
        _chunked = chunked;
        _bodyAllowed = bodyAllowed;
        _declaredLength = declaredLength;
        _bodyBytes = staged;
        _headWritten = true;
    }

    /// <summary>
    /// Ends the body: closes the open chunk and, when chunked, appends <paramref name="lastChunk"/> (the last chunk
    /// with its trailers). False when fewer bytes were written than Content-Length promised (the framing is broken).
    /// </summary>
    public bool CompleteBody(ReadOnlySpan<byte> lastChunk)
    {
        CloseChunk();
        if (_chunked)
        {
            AppendRaw(lastChunk);
        }

        bool whole = !(_declaredLength >= 0 && _bodyAllowed && _bodyBytes < _declaredLength);
        _completed = true;
        return whole;
    }

    // ---- the PipeWriter's buffer ----------------------------------------------------------------------------

    internal Memory<byte> GetMemory(int sizeHint)
    {
        PrepareBodySpace(sizeHint);
        return _out.AsMemory(_outCount);
    }

    internal Span<byte> GetSpan(int sizeHint)
    {
        PrepareBodySpace(sizeHint);
        return _out.AsSpan(_outCount);
    }

    internal void Advance(int count)
    {
        if (!_headWritten)
        {
            _outCount += count;
            return;
        }

        _outCount += Accept(count);
    }

    /// <summary>How many of <paramref name="count"/> body bytes may go out (HEAD/204/304 and Content-Length).</summary>
    private int Accept(int count)
    {
        if (!_bodyAllowed || _completed)
        {
            return 0;
        }

        if (_declaredLength >= 0)
        {
            count = (int)Math.Min(count, _declaredLength - _bodyBytes);
        }

        _bodyBytes += count;
        return count;
    }

    private void PrepareBodySpace(int sizeHint)
    {
        sizeHint = Math.Max(sizeHint, 256);
        if (_headWritten && _chunked && _chunkStart < 0)
        {
            EnsureCapacity(ChunkPrefix + sizeHint);
            _outCount += ChunkPrefix;
            _chunkStart = _outCount;
            return;
        }

        EnsureCapacity(sizeHint);
    }

    private void EnsureCapacity(int additional)
    {
        int needed = _outCount + additional + 8;
        if (needed <= _out.Length)
        {
            return;
        }

        // Rented lazily and handed back after each response, so an idle connection holds no output buffer.
        byte[] bigger = ArrayPool<byte>.Shared.Rent(Math.Max(Math.Max(needed, 4096), _out.Length * 2));
        lock (_outLock)
        {
            if (_out.Length > 0)
            {
                Buffer.BlockCopy(_out, 0, bigger, 0, _outCount);
                if (_loopSend is null)
                {
                    // While the serving loop sends held-back bytes from the old array it must stay unpooled.
                    ArrayPool<byte>.Shared.Return(_out);
                }
            }

            _out = bigger;
        }
    }

    // ---- body writes ----------------------------------------------------------------------------------------

    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
    internal async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (!_headWritten)
        {
            await _response.StartAsync().ConfigureAwait(false);
        }

        int allowed = Accept(data.Length);
        if (allowed == 0)
        {
            return;
        }

        data = data[..allowed];
        if (data.Length >= DirectWriteThreshold)
        {
            if (_chunked)
            {
                CloseChunk();
                AppendChunkHeader(data.Length);
            }

            await SendAsync(cancellationToken).ConfigureAwait(false);
            await _stream.WriteAsync(data, cancellationToken).ConfigureAwait(false);
            if (_chunked)
            {
                AppendRaw("\r\n"u8);
            }

            return;
        }

        AppendBody(data.Span);
        if (_outCount >= FlushThreshold || _bufferingDisabled)
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    internal void Write(ReadOnlySpan<byte> data)
    {
        if (!_headWritten)
        {
            _response.StartAsync().AsTask().GetAwaiter().GetResult();
        }

        int allowed = Accept(data.Length);
        if (allowed == 0)
        {
            return;
        }

        AppendBody(data[..allowed]);
        if (_outCount >= FlushThreshold)
        {
            FlushAsync(default).AsTask().GetAwaiter().GetResult();
        }
    }

    private void AppendBody(ReadOnlySpan<byte> data)
    {
        if (_chunked && _chunkStart < 0)
        {
            EnsureCapacity(ChunkPrefix + data.Length);
            _outCount += ChunkPrefix;
            _chunkStart = _outCount;
        }
        else
        {
            EnsureCapacity(data.Length);
        }

        data.CopyTo(_out.AsSpan(_outCount));
        _outCount += data.Length;
    }

    private void AppendRaw(ReadOnlySpan<byte> data)
    {
        EnsureCapacity(data.Length);
        data.CopyTo(_out.AsSpan(_outCount));
        _outCount += data.Length;
    }

    private void AppendChunkHeader(int length)
    {
        Span<byte> header = stackalloc byte[ChunkPrefix];
        Utf8Formatter.TryFormat(length, header, out int written, new StandardFormat('X'));
        header[written++] = (byte)'\r';
        header[written++] = (byte)'\n';
        AppendRaw(header[..written]);
    }

    /// <summary>Writes the size into the reserved prefix of the open chunk and terminates it.</summary>
    private void CloseChunk()
    {
        if (_chunkStart < 0)
        {
            return;
        }

        int length = _outCount - _chunkStart;
        if (length == 0)
        {
            _outCount -= ChunkPrefix;
        }
        else
        {
            Span<byte> prefix = _out.AsSpan(_chunkStart - ChunkPrefix, ChunkPrefix);
            Utf8Formatter.TryFormat((uint)length, prefix, out _, new StandardFormat('X', 8));
            prefix[8] = (byte)'\r';
            prefix[9] = (byte)'\n';
            AppendRaw("\r\n"u8);
        }

        _chunkStart = -1;
    }

    // ---- flushing and sending -------------------------------------------------------------------------------

    internal async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (!_headWritten)
        {
            await _response.StartAsync().ConfigureAwait(false);
        }

        CloseChunk();
        if (_holdFlushes && TryHoldFlush())
        {
            return;
        }

        await SendAsync(cancellationToken).ConfigureAwait(false);
    }

    private bool TryHoldFlush()
    {
        lock (_outLock)
        {
            if (!_holdFlushes || _outCount - _sendStart >= FlushThreshold)
            {
                // A big response written without yielding still goes out in FlushThreshold pieces.
                return false;
            }

            _flushMark = _outCount;
            return true;
        }
    }

    /// <summary>
    /// The app returned without finishing: stop holding flushes and send what a held-back flush promised, so an
    /// app that now waits (server-sent events, a slow upstream) has its flushed bytes on the wire meanwhile. Never
    /// throws: a failed send aborts the connection, which the app sees as RequestAborted and failing writes.
    /// </summary>
    public async ValueTask SendHeldFlushAsync()
    {
        byte[] buffer;
        int start;
        int end;
        TaskCompletionSource done;
        lock (_outLock)
        {
            _holdFlushes = false;
            if (_flushMark <= _sendStart)
            {
                return;
            }

            buffer = _out;
            start = _sendStart;
            end = _flushMark;
            _flushMark = 0;
            done = _loopSend = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        try
        {
            await _stream.WriteAsync(buffer.AsMemory(start, end - start)).ConfigureAwait(false);
        }
        catch (Exception)
        {
            _connection.Abort();
        }
        finally
        {
            lock (_outLock)
            {
                _sendStart = end;
                _loopSend = null;
            }

            done.SetResult();
        }
    }

    /// <summary>Sends everything buffered, after any send of held-back bytes the serving loop has in flight.</summary>
    public async ValueTask SendAsync(CancellationToken cancellationToken)
    {
        int start;
        int count;
        while (true)
        {
            Task pending;
            lock (_outLock)
            {
                if (_loopSend is null)
                {
                    start = _sendStart;
                    count = _outCount - start;
                    _sendStart = 0;
                    _flushMark = 0;
                    _outCount = 0;
                    break;
                }

                pending = _loopSend.Task;
            }

            await pending.ConfigureAwait(false);
        }

        if (count > 0)
        {
            await _stream.WriteAsync(_out.AsMemory(start, count), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes bytes outside the response buffer (100 Continue, 103 Early Hints, an upgraded connection's data),
    /// which only go out while the buffer holds nothing of this response's head.
    /// </summary>
    public ValueTask WriteDirectAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        _stream.WriteAsync(data, cancellationToken);

    public Task FlushStreamAsync(CancellationToken cancellationToken) => _stream.FlushAsync(cancellationToken);
}
