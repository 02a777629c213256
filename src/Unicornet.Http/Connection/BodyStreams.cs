using System.IO.Pipelines;

namespace Unicornet.Http.Connection;

/// <summary>The request body as a read-only stream over the connection's body reader.</summary>
internal sealed class RequestBodyStream : Stream
{
    private readonly Http1Connection _connection;

    public RequestBodyStream(Http1Connection connection) => _connection = connection;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _connection.ReadBodyAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _connection.ReadBodyAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        _connection.ThrowIfSynchronousIODisallowed(write: false);
        return _connection.ReadBodyAsync(buffer.AsMemory(offset, count), default).AsTask().GetAwaiter().GetResult();
    }

    public override int Read(Span<byte> buffer)
    {
        _connection.ThrowIfSynchronousIODisallowed(write: false);
        byte[] rented = System.Buffers.ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            int n = _connection.ReadBodyAsync(rented.AsMemory(0, buffer.Length), default).AsTask().GetAwaiter().GetResult();
            rented.AsSpan(0, n).CopyTo(buffer);
            return n;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>The response body as a write-only stream.</summary>
internal sealed class ResponseBodyStream : Stream
{
    private readonly Http1Connection _connection;

    public ResponseBodyStream(Http1Connection connection) => _connection = connection;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        _connection.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _connection.WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count)
    {
        _connection.ThrowIfSynchronousIODisallowed(write: true);
        _connection.Write(buffer.AsSpan(offset, count));
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _connection.ThrowIfSynchronousIODisallowed(write: true);
        _connection.Write(buffer);
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => _connection.FlushOutputAsync(cancellationToken).AsTask();

    public override void Flush()
    {
        _connection.ThrowIfSynchronousIODisallowed(write: true);
        _connection.FlushOutputAsync(default).AsTask().GetAwaiter().GetResult();
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}

/// <summary>The response body as a PipeWriter writing straight into the connection's output buffer.</summary>
internal sealed class ResponseBodyPipeWriter : PipeWriter
{
    private readonly Http1Connection _connection;

    public ResponseBodyPipeWriter(Http1Connection connection) => _connection = connection;

    public override bool CanGetUnflushedBytes => true;

    public override long UnflushedBytes => _connection.UnflushedBytes;

    public override void Advance(int bytes) => _connection.Advance(bytes);

    public override Memory<byte> GetMemory(int sizeHint = 0) => _connection.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) => _connection.GetSpan(sizeHint);

    public override void CancelPendingFlush()
    {
    }

    public override void Complete(Exception? exception = null)
    {
    }

    public override ValueTask CompleteAsync(Exception? exception = null) =>
        exception is null ? _connection.CompleteResponseAsync() : ValueTask.CompletedTask;

    public override async ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        await _connection.FlushOutputAsync(cancellationToken).ConfigureAwait(false);
        return new FlushResult(isCanceled: false, isCompleted: false);
    }

    public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
    {
        ValueTask write = _connection.WriteAsync(source, cancellationToken);
        return write.IsCompletedSuccessfully ? new ValueTask<FlushResult>(new FlushResult(false, false)) : AwaitWrite(write);
    }

    private static async ValueTask<FlushResult> AwaitWrite(ValueTask write)
    {
        await write.ConfigureAwait(false);
        return new FlushResult(false, false);
    }
}
