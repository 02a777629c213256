using System.Net.Sockets;

namespace Unicornet.Http.Connection;

/// <summary>
/// The sync worker's socket stream: every read and write blocks the calling thread (the async methods complete
/// synchronously), so a request runs start to finish on the worker's one thread without thread-pool hops.
/// Each read waits at most until the connection's deadline (header_read_timeout while reading a head).
/// </summary>
internal sealed class BlockingSocketStream : Stream
{
    private readonly Socket _socket;
    private readonly Func<long> _deadline;
    private int _appliedTimeout = -1;

    public BlockingSocketStream(Socket socket, Func<long> deadline)
    {
        _socket = socket;
        _deadline = deadline;
        _socket.Blocking = true;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        long deadline = _deadline();
        int timeout = 0;
        if (deadline != long.MaxValue)
        {
            long remaining = deadline - Environment.TickCount64;
            if (remaining <= 0)
            {
                throw new IOException("read deadline passed");
            }

            timeout = (int)Math.Min(remaining, int.MaxValue);
        }

        if (timeout != _appliedTimeout)
        {
            _socket.ReceiveTimeout = timeout;
            _appliedTimeout = timeout;
        }

        try
        {
            return _socket.Receive(buffer);
        }
        catch (SocketException ex)
        {
            throw new IOException(ex.Message, ex);
        }
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return new ValueTask<int>(Read(buffer.Span));
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            return ValueTask.FromException<int>(ex);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        try
        {
            while (!buffer.IsEmpty)
            {
                int sent = _socket.Send(buffer);
                buffer = buffer[sent..];
            }
        }
        catch (SocketException ex)
        {
            throw new IOException(ex.Message, ex);
        }
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            return ValueTask.FromException(ex);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _socket.Dispose();
        }

        base.Dispose(disposing);
    }
}
