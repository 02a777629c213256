using System.Buffers;
using System.Collections.Concurrent;
using System.Net.Sockets;

namespace Unicornet.Dirty.Protocol;

/// <summary>
/// One stream socket speaking dirty frames. Reads are done by a single loop (<see cref="ReadAsync"/>, or
/// <see cref="Read"/> on a dedicated thread);
/// sends may come from any thread: they are queued and whichever caller finds the connection idle
/// writes the queue out, coalescing frames that piled up meanwhile into one write. Senders never wait
/// for each other and a slow peer never blocks a caller; a failed write closes the connection.
/// </summary>
internal sealed class FrameConnection : IDisposable
{
    private const int ReceiveBufferSize = 64 * 1024;
    private const int BatchSize = 128 * 1024;

    private readonly Socket _socket;
    private readonly ConcurrentQueue<(byte[] Buffer, int Length)> _outgoing = new();
    private readonly byte[] _receive = new byte[ReceiveBufferSize];
    private byte[]? _batch;
    private int _start;
    private int _end;
    private int _writing;
    private int _closed;

    public FrameConnection(Socket socket)
    {
        _socket = socket;
    }

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>
    /// The next frame, or null at a clean end of stream. A bad header or a stream that ends inside a
    /// frame throws <see cref="DirtyProtocolException"/>; socket errors surface as <see cref="SocketException"/>
    /// or <see cref="ObjectDisposedException"/> once the connection is closed.
    /// </summary>
    public async ValueTask<Frame?> ReadAsync(CancellationToken cancellationToken = default)
    {
        while (_end - _start < FrameHeader.Size)
        {
            if (!await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                if (_end == _start)
                {
                    return null;
                }

                throw new DirtyProtocolException("connection closed inside a frame header");
            }
        }

        (FrameHeader header, byte[] payload, int have) = TakeBufferedFrameStart();
        while (have < payload.Length)
        {
            int n = await _socket.ReceiveAsync(payload.AsMemory(have), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                throw new DirtyProtocolException("connection closed inside a frame payload");
            }

            have += n;
        }

        return new Frame(header.Type, header.RequestId, payload);
    }

    /// <summary>Consumes a buffered frame header and whatever of its payload is already buffered.</summary>
    private (FrameHeader Header, byte[] Payload, int Have) TakeBufferedFrameStart()
    {
        FrameHeader header = FrameHeader.Read(_receive.AsSpan(_start, FrameHeader.Size));
        _start += FrameHeader.Size;
        byte[] payload = header.PayloadLength == 0 ? [] : new byte[header.PayloadLength];
        int have = Math.Min(_end - _start, header.PayloadLength);
        _receive.AsSpan(_start, have).CopyTo(payload);
        _start += have;
        return (header, payload, have);
    }

    /// <summary>
    /// Blocking twin of <see cref="ReadAsync"/> for a dedicated reader thread (never mix the two on one
    /// connection). It waits in poll(2) on the calling thread, so an arriving frame wakes exactly that
    /// thread; a plain blocking receive on a socket that also sends asynchronously would be woken through
    /// the runtime's epoll thread instead, one more context switch per frame.
    /// </summary>
    public Frame? Read()
    {
        while (_end - _start < FrameHeader.Size)
        {
            if (!Fill())
            {
                if (_end == _start)
                {
                    return null;
                }

                throw new DirtyProtocolException("connection closed inside a frame header");
            }
        }

        (FrameHeader header, byte[] payload, int have) = TakeBufferedFrameStart();
        while (have < payload.Length)
        {
            int n = ReceiveBlocking(payload.AsSpan(have));
            if (n == 0)
            {
                throw new DirtyProtocolException("connection closed inside a frame payload");
            }

            have += n;
        }

        return new Frame(header.Type, header.RequestId, payload);
    }

    /// <summary>Queues a finished frame.</summary>
    public void Send(FrameBuilder frame)
    {
        (byte[] buffer, int length) = frame.Finish();
        Enqueue(buffer, length);
    }

    /// <summary>Queues a frame with an already encoded payload.</summary>
    public void Send(MessageType type, ulong requestId, ReadOnlySpan<byte> payload)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(FrameHeader.Size + payload.Length);
        new FrameHeader(type, payload.Length, requestId).Write(buffer);
        payload.CopyTo(buffer.AsSpan(FrameHeader.Size));
        Enqueue(buffer, FrameHeader.Size + payload.Length);
    }

    /// <summary>Queues raw bytes (tests use this to send malformed frames).</summary>
    public void SendRaw(ReadOnlySpan<byte> bytes)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(bytes.Length);
        bytes.CopyTo(buffer);
        Enqueue(buffer, bytes.Length);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        _socket.Dispose();
        ReleaseQueued();
    }

    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            _receive.AsSpan(_start, _end - _start).CopyTo(_receive);
            _end -= _start;
            _start = 0;
        }

        int n = await _socket.ReceiveAsync(_receive.AsMemory(_end), SocketFlags.None, cancellationToken).ConfigureAwait(false);
        _end += n;
        return n > 0;
    }

    private bool Fill()
    {
        if (_start > 0)
        {
            _receive.AsSpan(_start, _end - _start).CopyTo(_receive);
            _end -= _start;
            _start = 0;
        }

        int n = ReceiveBlocking(_receive.AsSpan(_end));
        _end += n;
        return n > 0;
    }

    private int ReceiveBlocking(Span<byte> buffer)
    {
        // The timeout only bounds how long a reader can miss a close: shutdown(2) in Dispose wakes poll at once.
        while (!_socket.Poll(1_000_000, SelectMode.SelectRead))
        {
            ObjectDisposedException.ThrowIf(IsClosed, this);
        }

        return _socket.Receive(buffer, SocketFlags.None);
    }

    private void Enqueue(byte[] buffer, int length)
    {
        if (IsClosed)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return;
        }

        _outgoing.Enqueue((buffer, length));
        if (Interlocked.CompareExchange(ref _writing, 1, 0) == 0)
        {
            _ = DrainAsync();
        }
    }

    private async Task DrainAsync()
    {
        try
        {
            while (true)
            {
                while (_outgoing.TryDequeue(out (byte[] Buffer, int Length) first))
                {
                    if (_outgoing.IsEmpty || first.Length >= BatchSize)
                    {
                        await SendAllAsync(first.Buffer.AsMemory(0, first.Length)).ConfigureAwait(false);
                        ArrayPool<byte>.Shared.Return(first.Buffer);
                        continue;
                    }

                    _batch ??= new byte[BatchSize];
                    first.Buffer.AsSpan(0, first.Length).CopyTo(_batch);
                    int used = first.Length;
                    ArrayPool<byte>.Shared.Return(first.Buffer);
                    while (_outgoing.TryPeek(out (byte[] Buffer, int Length) next) && used + next.Length <= BatchSize && _outgoing.TryDequeue(out next))
                    {
                        next.Buffer.AsSpan(0, next.Length).CopyTo(_batch.AsSpan(used));
                        used += next.Length;
                        ArrayPool<byte>.Shared.Return(next.Buffer);
                    }

                    await SendAllAsync(_batch.AsMemory(0, used)).ConfigureAwait(false);
                }

                Volatile.Write(ref _writing, 0);
                if (_outgoing.IsEmpty || Interlocked.CompareExchange(ref _writing, 1, 0) != 0)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException or OperationCanceledException)
        {
            Dispose();
            ReleaseQueued();
        }
    }

    private async ValueTask SendAllAsync(ReadOnlyMemory<byte> data)
    {
        while (data.Length > 0)
        {
            int n = await _socket.SendAsync(data, SocketFlags.None).ConfigureAwait(false);
            data = data[n..];
        }
    }

    private void ReleaseQueued()
    {
        while (_outgoing.TryDequeue(out (byte[] Buffer, int Length) item))
        {
            ArrayPool<byte>.Shared.Return(item.Buffer);
        }
    }
}
