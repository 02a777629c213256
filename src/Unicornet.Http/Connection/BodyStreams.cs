using System.IO.Pipelines;

namespace Unicornet.Http.Connection;

/// <summary>The request body as a read-only stream over the connection's body reader.</summary>
internal sealed class RequestBodyStream : Stream
{
    private readonly Http1RequestBody _body;
    private readonly Http1Request _request;

    public RequestBodyStream(Http1RequestBody body, Http1Request request)
    {
        _body = body;
        _request = request;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _body.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _body.ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        _request.ThrowIfSynchronousIODisallowed(write: false);
        return _body.ReadAsync(buffer.AsMemory(offset, count), default).AsTask().GetAwaiter().GetResult();
    }

    public override int Read(Span<byte> buffer)
    {
        _request.ThrowIfSynchronousIODisallowed(write: false);
        byte[] rented = System.Buffers.ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            int n = _body.ReadAsync(rented.AsMemory(0, buffer.Length), default).AsTask().GetAwaiter().GetResult();
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
    private readonly Http1OutputProducer _output;
    private readonly Http1Request _request;

    public ResponseBodyStream(Http1OutputProducer output, Http1Request request)
    {
        _output = output;
        _request = request;
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        _output.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _output.WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count)
    {
        _request.ThrowIfSynchronousIODisallowed(write: true);
        _output.Write(buffer.AsSpan(offset, count));
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _request.ThrowIfSynchronousIODisallowed(write: true);
        _output.Write(buffer);
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => _output.FlushAsync(cancellationToken).AsTask();

    public override void Flush()
    {
        _request.ThrowIfSynchronousIODisallowed(write: true);
        _output.FlushAsync(default).AsTask().GetAwaiter().GetResult();
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}

/// <summary>The response body as a PipeWriter writing straight into the connection's output buffer.</summary>
internal sealed class ResponseBodyPipeWriter : PipeWriter
{
    private readonly Http1OutputProducer _output;
    private readonly Http1Response _response;

    public ResponseBodyPipeWriter(Http1OutputProducer output, Http1Response response)
    {
        _output = output;
        _response = response;
    }

    public override bool CanGetUnflushedBytes => true;

    public override long UnflushedBytes => _output.UnflushedBytes;

    public override void Advance(int bytes) => _output.Advance(bytes);

    public override Memory<byte> GetMemory(int sizeHint = 0) => _output.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) => _output.GetSpan(sizeHint);

    public override void CancelPendingFlush()
    {
    }

    public override void Complete(Exception? exception = null)
    {
    }

    public override ValueTask CompleteAsync(Exception? exception = null) =>
        exception is null ? _response.CompleteAsync() : ValueTask.CompletedTask;

    public override async ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
        return new FlushResult(isCanceled: false, isCompleted: false);
    }

    public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
    {
        ValueTask write = _output.WriteAsync(source, cancellationToken);
        return write.IsCompletedSuccessfully ? new ValueTask<FlushResult>(new FlushResult(false, false)) : AwaitWrite(write);
    }

    private static async ValueTask<FlushResult> AwaitWrite(ValueTask write)
    {
        await write.ConfigureAwait(false);
        return new FlushResult(false, false);
    }
}
