using System.Buffers;
using System.Buffers.Text;

namespace Unicornet.Http.Response;

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
