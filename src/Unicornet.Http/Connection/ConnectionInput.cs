using System.Buffers;

namespace Unicornet.Http.Connection;

/// <summary>
/// The bytes received on a connection and not yet consumed, in one pooled array. At most one read is in flight;
/// a read started in the background (to notice a client that hangs up while the app runs) is awaited by the
/// next <see cref="FillAsync"/>, so no byte is ever lost or read twice.
/// </summary>
internal sealed class ConnectionInput : IDisposable
{
    private const int InitialSize = 4096;
    private readonly Stream _stream;
    private readonly int _maxSize;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private ValueTask<int> _backgroundFill;
    private bool _backgroundPending;
    private Exception? _readError;

    public ConnectionInput(Stream stream, int maxSize)
    {
        _stream = stream;
        _maxSize = Math.Max(maxSize, InitialSize);
        _buffer = ArrayPool<byte>.Shared.Rent(InitialSize);
    }

    /// <summary>The stream supports zero-byte reads as a readiness wait (sockets, TLS; not the blocking sync stream).</summary>
    public bool ZeroByteReads { get; init; }

    /// <summary>The peer closed its side (or the read failed).</summary>
    public bool IsEof { get; private set; }

    /// <summary>Raised (once) when a background read finds the peer gone.</summary>
    public Action? PeerClosed { get; set; }

    public int Length => _end - _start;

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(_start, _end - _start);

    public bool HasBackgroundFill => _backgroundPending;

    public void Advance(int count)
    {
        _start += count;
        if (_start == _end && !_backgroundPending)
        {
            _start = _end = 0;
        }
    }

    /// <summary>Reads at least one more byte. False at end of stream.</summary>
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> FillAsync(CancellationToken cancellationToken = default)
    {
        if (_backgroundPending)
        {
            // The background read wrote past _end; only this (the consuming) side moves _end.
            ValueTask<int> pending = _backgroundFill;
            _backgroundFill = default;
            _backgroundPending = false;
            int got = await pending.ConfigureAwait(false);
            if (got > 0)
            {
                _end += got;
                return true;
            }

            return false;
        }

        if (IsEof)
        {
            return false;
        }

        PrepareSpace();
        int read;
        try
        {
            read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            _readError = ex;
            read = 0;
        }

        if (read == 0)
        {
            IsEof = true;
            return false;
        }

        _end += read;
        return true;
    }

    /// <summary>The error that ended the stream, if it was not a clean close.</summary>
    public Exception? ReadError => _readError;

    /// <summary>Starts reading ahead so a hang-up is noticed while the app runs. Only when nothing else reads.</summary>
    public void StartBackgroundFill()
    {
        if (_backgroundPending || IsEof)
        {
            return;
        }

        PrepareSpace();
        _backgroundPending = true;

        // Stored, then awaited exactly once by the next FillAsync (or dropped unawaited when the connection ends).
#pragma warning disable CA2012
        _backgroundFill = BackgroundFillAsync(_end);
#pragma warning restore CA2012
    }

    // Pooled: one runs per keep-alive request and FillAsync awaits each exactly once.
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> BackgroundFillAsync(int offset)
    {
        int read;
        try
        {
            if (ZeroByteReads && offset == _start)
            {
                // Nothing buffered: an idle keep-alive connection waits with a zero-byte read and holds no buffer,
                // so thousands of them cost almost nothing.
                byte[] idle = _buffer;
                _buffer = [];
                ArrayPool<byte>.Shared.Return(idle);
                await _stream.ReadAsync(Memory<byte>.Empty).ConfigureAwait(false);
                _buffer = ArrayPool<byte>.Shared.Rent(InitialSize);
                _start = _end = offset = 0;
            }

            read = await _stream.ReadAsync(_buffer.AsMemory(offset)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or System.Net.Sockets.SocketException or OperationCanceledException)
        {
            _readError = ex;
            read = 0;
        }

        if (read == 0)
        {
            IsEof = true;
            PeerClosed?.Invoke();
        }

        return read;
    }

    private void PrepareSpace()
    {
        if (_start > 0 && (_end == _buffer.Length || _start > _buffer.Length / 2))
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            if (_buffer.Length >= _maxSize)
            {
                // The parser's limits fire before this can matter; it guards against a caller that forgot them.
                throw new InvalidOperationException("input buffer limit reached");
            }

            byte[] bigger = ArrayPool<byte>.Shared.Rent(Math.Min(_buffer.Length * 2, _maxSize));
            Buffer.BlockCopy(_buffer, _start, bigger, 0, _end - _start);
            _end -= _start;
            _start = 0;
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
    }

    public void Dispose()
    {
        // The array may still be the target of a background read that the socket's disposal is about to fail;
        // returning it to the pool then would let another connection reuse bytes being written. Drop it instead.
        if (!_backgroundPending)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _buffer = [];
        _start = _end = 0;
    }
}
