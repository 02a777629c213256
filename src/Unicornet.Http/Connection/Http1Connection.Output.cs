using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Unicornet.Http.Parsing;
using Unicornet.Http.Response;

namespace Unicornet.Http.Connection;

/// <summary>
/// The response side: one pooled output buffer holding the head and body bytes not yet sent. Before the
/// response starts, PipeWriter writes are staged there and the head is slid in front of them at commit; after
/// it, chunked bodies use a fixed 8-hex-digit size prefix reserved in place, so framing never copies the data.
/// </summary>
internal sealed partial class Http1Connection
{
    private const int FlushThreshold = 64 * 1024;
    private const int DirectWriteThreshold = 16 * 1024;
    private const int ChunkPrefix = 10;
    private readonly HeaderDictionary _responseHeaders = new();
    private byte[] _out = [];
    private int _outCount;
    private int _chunkStart = -1;
    private int _statusCode = 200;
    private string? _reasonPhrase;
    private bool _hasStarted;
    private bool _responseCompleted;
    private bool _keepAlive;
    private bool _chunked;
    private bool _bodyAllowed = true;
    private bool _bufferingDisabled;
    private long _declaredLength = -1;
    private long _bodyBytes;
    private List<KeyValuePair<Func<object, Task>, object>>? _onStarting;
    private List<KeyValuePair<Func<object, Task>, object>>? _onCompleted;
    private ResponseBodyStream _responseStream = null!;
    private ResponseBodyPipeWriter _responseWriter = null!;
    private RequestBodyStream _requestBodyStream = null!;

    // Held-back flushes (ConnectionSettings.AppsRunOnPollThread). While the app runs synchronously on the serving
    // thread a flush only records how far the bytes are due (_flushMark). If the app then yields, the serving loop
    // sends those bytes while the app's continuation may already append after them; _outLock orders the two: it
    // guards the buffer swap, the offsets and _loopSend, and the app's own sends wait for the loop's to finish.
    private readonly Lock _outLock = new();
    private bool _holdFlushes;
    private int _sendStart;
    private int _flushMark;
    private TaskCompletionSource? _loopSend;

    private void InitializeOutput()
    {
        _responseStream = new ResponseBodyStream(this);
        _responseWriter = new ResponseBodyPipeWriter(this);
        _requestBodyStream = new RequestBodyStream(this);
    }

    internal void ReleaseOutput()
    {
        if (_out.Length > 0 && _outCount == 0)
        {
            ArrayPool<byte>.Shared.Return(_out);
            _out = [];
        }
    }

    private void ResetResponse()
    {
        _responseHeaders.Clear();
        _statusCode = 200;
        _reasonPhrase = null;
        _hasStarted = false;
        _responseCompleted = false;
        _keepAlive = false;
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
        _onStarting = null;
        _onCompleted = null;
    }

    private void SetErrorResponse(int status)
    {
        _responseHeaders.Clear();
        _statusCode = status;
        _reasonPhrase = null;
        _outCount = 0;
        _onStarting = null;
        _responseHeaders["Content-Type"] = "text/plain";
        byte[] text = System.Text.Encoding.ASCII.GetBytes(Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status));
        EnsureCapacity(text.Length);
        text.CopyTo(_out, 0);
        _outCount = text.Length;
    }

    // ---- writing --------------------------------------------------------------------------------------------

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
        if (!_hasStarted)
        {
            _outCount += count;
            return;
        }

        _outCount += Accept(count);
    }

    internal long UnflushedBytes => _outCount - Math.Max(_sendStart, _flushMark);

    /// <summary>How many of <paramref name="count"/> body bytes may go out (HEAD/204/304 and Content-Length).</summary>
    private int Accept(int count)
    {
        if (!_bodyAllowed || _responseCompleted)
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
        if (_hasStarted && _chunked && _chunkStart < 0)
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

    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
    internal async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (!_hasStarted)
        {
            await StartResponseAsync().ConfigureAwait(false);
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

            await SendOutAsync(cancellationToken).ConfigureAwait(false);
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
            await FlushOutputAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    internal void Write(ReadOnlySpan<byte> data)
    {
        if (!_hasStarted)
        {
            StartResponseAsync().AsTask().GetAwaiter().GetResult();
        }

        int allowed = Accept(data.Length);
        if (allowed == 0)
        {
            return;
        }

        AppendBody(data[..allowed]);
        if (_outCount >= FlushThreshold)
        {
            FlushOutputAsync(default).AsTask().GetAwaiter().GetResult();
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
        Utf8Formatter.TryFormat(length, header, out int written, new System.Buffers.StandardFormat('X'));
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
            Utf8Formatter.TryFormat((uint)length, prefix, out _, new System.Buffers.StandardFormat('X', 8));
            prefix[8] = (byte)'\r';
            prefix[9] = (byte)'\n';
            AppendRaw("\r\n"u8);
        }

        _chunkStart = -1;
    }

    internal async ValueTask FlushOutputAsync(CancellationToken cancellationToken)
    {
        if (!_hasStarted)
        {
            await StartResponseAsync().ConfigureAwait(false);
        }

        CloseChunk();
        if (_holdFlushes && TryHoldFlush())
        {
            return;
        }

        await SendOutAsync(cancellationToken).ConfigureAwait(false);
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
    private async ValueTask SendHeldFlushAsync()
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
            Abort();
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

    private async ValueTask SendOutAsync(CancellationToken cancellationToken)
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

    // ---- starting and completing ----------------------------------------------------------------------------

    internal async ValueTask StartResponseAsync()
    {
        if (_hasStarted)
        {
            return;
        }

        await FireOnStartingAsync().ConfigureAwait(false);
        Commit(appCompleted: false);
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

    private async ValueTask FireOnCompletedAsync()
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

    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
    internal async ValueTask CompleteResponseAsync()
    {
        if (_responseCompleted)
        {
            return;
        }

        if (!_hasStarted)
        {
            await FireOnStartingAsync().ConfigureAwait(false);
            Commit(appCompleted: true);
        }

        CloseChunk();
        if (_chunked)
        {
            AppendLastChunk();
        }

        if (_declaredLength >= 0 && _bodyAllowed && _bodyBytes < _declaredLength)
        {
            // Fewer bytes than promised: the framing is broken, so the connection cannot be reused.
            _keepAlive = false;
        }

        _responseCompleted = true;
        await SendOutAsync(default).ConfigureAwait(false);
    }

    /// <summary>Freezes status and headers, decides the framing and puts the head in front of any staged body.</summary>
    private void Commit(bool appCompleted)
    {
        int status = _statusCode;
        bool isHead = _head.Method == "HEAD";
        bool noBodyStatus = status is (>= 100 and < 200) or 204 or 304;
        bool bodyAllowed = !isHead && !noBodyStatus;
        bool http10 = _head.VersionMajor == 1 && _head.VersionMinor == 0;
        long? declared = noBodyStatus && status != 304 ? null : _responseHeaders.ContentLength;
        int staged = _outCount;
        if (!bodyAllowed)
        {
            staged = 0;
        }
        else if (declared is long cl && staged > cl)
        {
            staged = (int)cl;
        }

        bool chunked = false;
        bool closeDelimited = false;
        long autoLength = -1;
        if (bodyAllowed && declared is null)
        {
            if (appCompleted && !TrailersDeclared(http10))
            {
                autoLength = staged;
            }
            else if (!http10)
            {
                chunked = true;
            }
            else
            {
                closeDelimited = true;
            }
        }

        bool keepAlive = _settings.KeepAlive && !closeDelimited && !_head.ShouldClose && !_closeRequested && !StopRequested
            && (_body.IsComplete || (!_expectContinuePending && !_head.Chunked && _body.Remaining <= _settings.MaxDrainBytes));

        var head = new HeadWriter(512);
        try
        {
            BuildHead(ref head, status, http10, ref keepAlive, chunked, declared ?? autoLength, noBodyStatus && status != 304);
            ReadOnlySpan<byte> headBytes = head.Written;
            int prefix = headBytes.Length + (chunked && staged > 0 ? ChunkPrefix : 0);
            _outCount = staged;
            EnsureCapacity(prefix + 16);
            if (staged > 0)
            {
                Buffer.BlockCopy(_out, 0, _out, prefix, staged);
            }

            headBytes.CopyTo(_out);
            _outCount = prefix + staged;
            _chunkStart = chunked && staged > 0 ? prefix : -1;
        }
        finally
        {
            head.Dispose();
        }

        _chunked = chunked;
        _bodyAllowed = bodyAllowed;
        _declaredLength = declared ?? (autoLength >= 0 ? autoLength : -1);
        _bodyBytes = staged;
        _keepAlive = keepAlive;
        _hasStarted = true;
    }

    /// <summary>Writes the response head: status line, app headers (validated, hop-by-hop dropped), Server, Date, framing.</summary>
    private void BuildHead(ref HeadWriter writer, int status, bool http10, ref bool keepAlive, bool chunked, long contentLength, bool suppressLength)
    {
        {
            writer.Write(StatusLines.Get(status, http10, _reasonPhrase));
            bool appServer = false;
            bool appDate = false;
            foreach (KeyValuePair<string, StringValues> header in _responseHeaders)
            {
                string name = header.Key;
                if (!HttpChars.IsToken(name))
                {
                    throw new InvalidOperationException("invalid response header name '" + name + "'");
                }

                if (IsHopByHop(name))
                {
                    if (_upgrading)
                    {
                        continue;
                    }

                    if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase) && header.Value.ToString().Contains("close", StringComparison.OrdinalIgnoreCase))
                    {
                        keepAlive = false;
                    }

                    continue;
                }

                if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                appServer |= name.Equals("Server", StringComparison.OrdinalIgnoreCase);
                appDate |= name.Equals("Date", StringComparison.OrdinalIgnoreCase);
                foreach (string? value in header.Value)
                {
                    writer.WriteHeader(name, value ?? "");
                }
            }

            if (!appServer)
            {
                writer.Write("Server: unicornet\r\n"u8);
            }

            if (!appDate)
            {
                writer.Write(DateHeader.Line);
            }

            if (_upgrading)
            {
                WriteUpgradeFields(ref writer);
            }
            else if (!keepAlive)
            {
                writer.Write("Connection: close\r\n"u8);
            }
            else if (http10)
            {
                writer.Write("Connection: keep-alive\r\n"u8);
            }

            if (chunked)
            {
                writer.Write("Transfer-Encoding: chunked\r\n"u8);
            }
            else if (contentLength >= 0 && !suppressLength)
            {
                writer.Write("Content-Length: "u8);
                writer.WriteNumber(contentLength);
                writer.Write("\r\n"u8);
            }

            writer.Write("\r\n"u8);
        }
    }

    private static bool IsHopByHop(string name) =>
        name.Equals("Connection", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Keep-Alive", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Proxy-Authenticate", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Proxy-Authorization", StringComparison.OrdinalIgnoreCase)
        || name.Equals("TE", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Trailers", StringComparison.OrdinalIgnoreCase);

    // ---- sendfile and early hints ---------------------------------------------------------------------------

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

                    await WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                    remaining -= n;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    async Task<bool> IHttpEarlyHintsFeature.SendEarlyHintsAsync(IEnumerable<KeyValuePair<string, string>> headers, CancellationToken cancellationToken)
    {
        if (_hasStarted || (_head.VersionMajor == 1 && _head.VersionMinor == 0))
        {
            return false;
        }

        var writer = new HeadWriter(256);
        byte[] bytes;
        try
        {
            writer.Write("HTTP/1.1 103 Early Hints\r\n"u8);
            foreach (KeyValuePair<string, string> header in headers)
            {
                if (!HttpChars.IsToken(header.Key))
                {
                    throw new InvalidOperationException("invalid early hint header name '" + header.Key + "'");
                }

                writer.WriteHeader(header.Key, header.Value);
            }

            writer.Write("\r\n"u8);
            bytes = writer.Written.ToArray();
        }
        finally
        {
            writer.Dispose();
        }

        await _stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);

        return true;
    }
}

/// <summary>Appends a response head into a pooled buffer.</summary>
internal struct HeadWriter : IDisposable
{
    private byte[] _buffer;
    private int _count;

    public HeadWriter(int capacity)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(capacity);
        _count = 0;
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_count));
        _count += bytes.Length;
    }

    public void WriteNumber(long value)
    {
        Ensure(20);
        Utf8Formatter.TryFormat(value, _buffer.AsSpan(_count), out int written);
        _count += written;
    }

    /// <summary>Writes <c>name: value\r\n</c>, refusing CR, LF and other control characters in the value.</summary>
    public void WriteHeader(string name, string value)
    {
        Ensure(name.Length + value.Length + 4);
        Span<byte> span = _buffer.AsSpan(_count);
        int i = 0;
        foreach (char c in name)
        {
            span[i++] = (byte)c;
        }

        span[i++] = (byte)':';
        span[i++] = (byte)' ';
        foreach (char c in value)
        {
            if ((c < 0x20 && c != '\t') || c == 0x7F || c > 0xFF)
            {
                throw new InvalidOperationException("invalid character in response header '" + name + "'");
            }

            span[i++] = (byte)c;
        }

        span[i++] = (byte)'\r';
        span[i++] = (byte)'\n';
        _count += i;
    }

    public readonly ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _count);

    private void Ensure(int additional)
    {
        if (_count + additional <= _buffer.Length)
        {
            return;
        }

        byte[] bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_count + additional, _buffer.Length * 2));
        Buffer.BlockCopy(_buffer, 0, bigger, 0, _count);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }
}
