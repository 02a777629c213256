using System.Buffers.Binary;

namespace Unicornet.Control.Protocol;

/// <summary>
/// The control socket's framing: a 4-byte big-endian payload length, then that many bytes of UTF-8
/// JSON. Several frames may follow each other on one connection.
/// </summary>
public static class ControlFraming
{
    /// <summary>Bytes in the length prefix.</summary>
    public const int HeaderLength = 4;

    /// <summary>The largest payload accepted (16 MiB).</summary>
    public const int MaxPayloadLength = 16 * 1024 * 1024;

    // Buffers start small and grow only as bytes actually arrive, so a header that merely claims a
    // large payload cannot make the server allocate it up front.
    private const int InitialChunk = 64 * 1024;

    /// <summary>Builds one frame (prefix plus payload).</summary>
    /// <exception cref="ControlFrameException">The payload is larger than <see cref="MaxPayloadLength"/>.</exception>
    public static byte[] Encode(ReadOnlySpan<byte> payload)
    {
        if (payload.Length > MaxPayloadLength)
        {
            throw new ControlFrameException(ControlFrameError.TooLarge, $"frame payload of {payload.Length} bytes exceeds the {MaxPayloadLength} byte limit");
        }

        byte[] frame = new byte[HeaderLength + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)payload.Length);
        payload.CopyTo(frame.AsSpan(HeaderLength));
        return frame;
    }

    /// <summary>Writes one frame and flushes.</summary>
    public static async ValueTask WriteFrameAsync(Stream stream, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        byte[] frame = Encode(payload.Span);
        await stream.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads one frame's payload. Returns null when the peer closed the connection cleanly before
    /// sending another frame.
    /// </summary>
    /// <exception cref="ControlFrameException">A truncated frame or a length over the limit.</exception>
    public static async ValueTask<byte[]?> ReadFrameAsync(Stream stream, CancellationToken cancellationToken)
    {
        byte[] header = new byte[HeaderLength];
        int got = await stream.ReadAtLeastAsync(header, HeaderLength, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (got == 0)
        {
            return null;
        }

        if (got < HeaderLength)
        {
            throw new ControlFrameException(ControlFrameError.Truncated, $"connection closed after {got} of {HeaderLength} length bytes");
        }

        uint length = BinaryPrimitives.ReadUInt32BigEndian(header);
        if (length > MaxPayloadLength)
        {
            throw new ControlFrameException(ControlFrameError.TooLarge, $"frame length {length} exceeds the {MaxPayloadLength} byte limit");
        }

        int total = (int)length;
        byte[] buffer = new byte[Math.Min(total, InitialChunk)];
        int filled = 0;
        while (filled < total)
        {
            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, total));
            }

            int n = await stream.ReadAsync(buffer.AsMemory(filled, buffer.Length - filled), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                throw new ControlFrameException(ControlFrameError.Truncated, $"connection closed after {filled} of {total} payload bytes");
            }

            filled += n;
        }

        return buffer;
    }
}
