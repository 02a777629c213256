using System.Net.Sockets;

namespace Unicornet.Http.Connection;

/// <summary>
/// The sync worker's socket stream: every read and write blocks the calling thread (the async methods complete
/// synchronously), so a request runs start to finish on the worker's one thread without thread-pool hops.
/// Each read waits at most until the connection's deadline (header_read_timeout while reading a head).
/// The socket itself stays non-blocking (as accepted from the non-blocking listener) and a wait is a poll():
/// a request that is already there when the connection is accepted then costs one recv, where switching the
/// socket to blocking mode and arming SO_RCVTIMEO cost three more syscalls per connection.
/// </summary>
internal sealed class BlockingSocketStream : Stream
{
    private readonly Socket _socket;
    private readonly Func<long> _deadline;

    public BlockingSocketStream(Socket socket, Func<long> deadline)
    {
        _socket = socket;
        _deadline = deadline;
        if (_socket.Blocking)
        {
            _socket.Blocking = false;
        }
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (true)
        {
            int read = _socket.Receive(buffer, SocketFlags.None, out SocketError error);
            if (error == SocketError.Success)
            {
                return read;
            }

            if (error != SocketError.WouldBlock)
            {
                throw Failure(new SocketException((int)error));
            }

            long deadline = _deadline();
            int timeoutMicroseconds = -1;
            if (deadline != long.MaxValue)
            {
                long remaining = deadline - Environment.TickCount64;
                if (remaining <= 0)
                {
                    throw new IOException("read deadline passed");
                }

                timeoutMicroseconds = (int)Math.Min(remaining * 1000, int.MaxValue);
            }

            if (!Wait(SelectMode.SelectRead, timeoutMicroseconds))
            {
                throw new IOException("read deadline passed");
            }
        }
    }

    /// <summary>Waits until the socket is ready (or shut down by Abort, which reports ready); false on timeout.</summary>
    private bool Wait(SelectMode mode, int timeoutMicroseconds)
    {
        try
        {
            return _socket.Poll(timeoutMicroseconds, mode);
        }
        catch (SocketException ex)
        {
            throw Failure(ex);
        }
    }

    // Stream users expect IOException; the socket error stays as the inner exception.
    private static IOException Failure(SocketException error) => new(error.Message, error);

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
        while (!buffer.IsEmpty)
        {
            int sent = _socket.Send(buffer, SocketFlags.None, out SocketError error);
            if (error == SocketError.Success)
            {
                buffer = buffer[sent..];
            }
            else if (error == SocketError.WouldBlock)
            {
                // The client reads slower than we write: wait (no deadline, as a blocking send had none).
                Wait(SelectMode.SelectWrite, -1);
            }
            else
            {
                throw Failure(new SocketException((int)error));
            }
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
