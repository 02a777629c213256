namespace Unicornet.Http.Tests;

/// <summary>A read-only stream that hands out its bytes in given piece sizes (to prove chunking independence).</summary>
internal sealed class ChunkedReadStream : Stream
{
    private readonly byte[] _data;
    private readonly Func<int, int> _pieceSize;
    private int _position;
    private int _reads;

    public ChunkedReadStream(byte[] data, Func<int, int> pieceSize)
    {
        _data = data;
        _pieceSize = pieceSize;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => _data.Length;

    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = Math.Min(Math.Min(buffer.Length, _data.Length - _position), Math.Max(1, _pieceSize(_reads++)));
        _data.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        new(Read(buffer.Span));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
