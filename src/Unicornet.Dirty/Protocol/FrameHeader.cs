using System.Buffers.Binary;

namespace Unicornet.Dirty.Protocol;

/// <summary>
/// The fixed 16-byte frame header, big-endian: magic <c>'U' 'D'</c>, version, message type,
/// payload length (uint32), request id (uint64).
/// </summary>
internal readonly record struct FrameHeader(MessageType Type, int PayloadLength, ulong RequestId)
{
    public const int Size = 16;
    public const byte Magic0 = (byte)'U';
    public const byte Magic1 = (byte)'D';
    public const byte Version = 1;

    public void Write(Span<byte> destination)
    {
        destination[0] = Magic0;
        destination[1] = Magic1;
        destination[2] = Version;
        destination[3] = (byte)Type;
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], (uint)PayloadLength);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], RequestId);
    }

    /// <summary>Parses and validates a header; throws <see cref="DirtyProtocolException"/> on any violation.</summary>
    public static FrameHeader Read(ReadOnlySpan<byte> source)
    {
        if (source.Length < Size)
        {
            throw new DirtyProtocolException("truncated frame header");
        }

        if (source[0] != Magic0 || source[1] != Magic1)
        {
            throw new DirtyProtocolException($"bad magic 0x{source[0]:x2}{source[1]:x2}");
        }

        if (source[2] != Version)
        {
            throw new DirtyProtocolException($"unsupported protocol version {source[2]}");
        }

        var type = (MessageType)source[3];
        if (!IsKnown(type))
        {
            throw new DirtyProtocolException($"unknown message type 0x{source[3]:x2}");
        }

        uint length = BinaryPrimitives.ReadUInt32BigEndian(source[4..]);
        if (length > ProtocolLimits.MaxPayload)
        {
            throw new DirtyProtocolException($"frame payload of {length} bytes exceeds the {ProtocolLimits.MaxPayload} byte limit");
        }

        return new FrameHeader(type, (int)length, BinaryPrimitives.ReadUInt64BigEndian(source[8..]));
    }

    private static bool IsKnown(MessageType type) => type is MessageType.Request or MessageType.Response or MessageType.Error
        or MessageType.Chunk or MessageType.End or MessageType.Cancel or MessageType.Stash or MessageType.Status
        or MessageType.Manage or MessageType.RouteQuery or MessageType.RoutesChanged or MessageType.Hello or MessageType.Heartbeat or MessageType.Ready;
}
