using System.Buffers.Binary;
using System.Text;

namespace Unicornet.Dirty.Protocol;

/// <summary>
/// Decodes TLV values from a payload. Every malformed input (truncation, unknown type byte, bad
/// UTF-8, counts that cannot fit in the remaining bytes, nesting too deep) ends in
/// <see cref="DirtyProtocolException"/>; nothing else escapes.
/// </summary>
internal ref struct TlvReader
{
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public TlvReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public readonly bool End => _position >= _data.Length;

    public readonly int Position => _position;

    /// <summary>The type of the next value without consuming it.</summary>
    public readonly TlvType PeekType()
    {
        if (_position >= _data.Length)
        {
            throw new DirtyProtocolException("truncated payload: a value was expected");
        }

        return (TlvType)_data[_position];
    }

    /// <summary>The raw encoded bytes of the next value (used to store and forward values without decoding them).</summary>
    public ReadOnlySpan<byte> ReadRaw()
    {
        int start = _position;
        Skip(0);
        return _data[start.._position];
    }

    public object? ReadValue() => ReadValue(0);

    public string ReadString()
    {
        Expect(TlvType.String);
        return ReadStringBody();
    }

    public string? ReadNullableString()
    {
        if (PeekType() == TlvType.Null)
        {
            _position++;
            return null;
        }

        return ReadString();
    }

    public long ReadInt64()
    {
        Expect(TlvType.Int64);
        return BinaryPrimitives.ReadInt64BigEndian(Take(8));
    }

    /// <summary>The count of a list that follows; its items are read with <see cref="ReadValue()"/>.</summary>
    public int ReadListHeader()
    {
        Expect(TlvType.List);
        return ReadCount();
    }

    private object? ReadValue(int depth)
    {
        TlvType type = PeekType();
        _position++;
        switch (type)
        {
            case TlvType.Null:
                return null;
            case TlvType.Bool:
                byte b = Take(1)[0];
                return b switch
                {
                    0 => false,
                    1 => true,
                    _ => throw new DirtyProtocolException($"bad bool byte 0x{b:x2}"),
                };
            case TlvType.Int64:
                return BinaryPrimitives.ReadInt64BigEndian(Take(8));
            case TlvType.Float64:
                return BinaryPrimitives.ReadDoubleBigEndian(Take(8));
            case TlvType.Bytes:
                return Take(ReadLength()).ToArray();
            case TlvType.String:
                return ReadStringBody();
            case TlvType.List:
            {
                CheckDepth(depth);
                int count = ReadCount();
                var list = new List<object?>(count);
                for (int i = 0; i < count; i++)
                {
                    list.Add(ReadValue(depth + 1));
                }

                return list;
            }

            case TlvType.Map:
            {
                CheckDepth(depth);
                int count = ReadCount();
                var map = new Dictionary<string, object?>(count, StringComparer.Ordinal);
                for (int i = 0; i < count; i++)
                {
                    string key = ReadString();
                    map[key] = ReadValue(depth + 1);
                }

                return map;
            }

            default:
                throw new DirtyProtocolException($"unknown value type 0x{(byte)type:x2}");
        }
    }

    private void Skip(int depth)
    {
        TlvType type = PeekType();
        _position++;
        switch (type)
        {
            case TlvType.Null:
                return;
            case TlvType.Bool:
                Take(1);
                return;
            case TlvType.Int64:
            case TlvType.Float64:
                Take(8);
                return;
            case TlvType.Bytes:
            case TlvType.String:
                Take(ReadLength());
                return;
            case TlvType.List:
            {
                CheckDepth(depth);
                int count = ReadCount();
                for (int i = 0; i < count; i++)
                {
                    Skip(depth + 1);
                }

                return;
            }

            case TlvType.Map:
            {
                CheckDepth(depth);
                int count = ReadCount();
                for (int i = 0; i < count; i++)
                {
                    Expect(TlvType.String);
                    Take(ReadLength());
                    Skip(depth + 1);
                }

                return;
            }

            default:
                throw new DirtyProtocolException($"unknown value type 0x{(byte)type:x2}");
        }
    }

    private static void CheckDepth(int depth)
    {
        if (depth >= ProtocolLimits.MaxDepth)
        {
            throw new DirtyProtocolException($"values nested deeper than {ProtocolLimits.MaxDepth} levels");
        }
    }

    private void Expect(TlvType wanted)
    {
        TlvType got = PeekType();
        if (got != wanted)
        {
            throw new DirtyProtocolException($"expected a {wanted} value, found type 0x{(byte)got:x2}");
        }

        _position++;
    }

    private string ReadStringBody()
    {
        ReadOnlySpan<byte> bytes = Take(ReadLength());
        try
        {
            return s_strictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new DirtyProtocolException("string is not valid UTF-8");
        }
    }

    private int ReadLength()
    {
        uint length = BinaryPrimitives.ReadUInt32BigEndian(Take(4));
        if (length > (uint)(_data.Length - _position))
        {
            throw new DirtyProtocolException($"length {length} runs past the end of the payload");
        }

        return (int)length;
    }

    private int ReadCount()
    {
        uint count = BinaryPrimitives.ReadUInt32BigEndian(Take(4));
        if (count > ProtocolLimits.MaxItems)
        {
            throw new DirtyProtocolException($"{count} items exceed the {ProtocolLimits.MaxItems} item limit");
        }

        // Every item takes at least one byte, so a count larger than what is left is a lie; checking
        // here stops a 20-byte frame from allocating a million-slot list.
        if (count > (uint)(_data.Length - _position))
        {
            throw new DirtyProtocolException($"count {count} runs past the end of the payload");
        }

        return (int)count;
    }

    private ReadOnlySpan<byte> Take(int length)
    {
        if (length > _data.Length - _position)
        {
            throw new DirtyProtocolException("truncated payload");
        }

        ReadOnlySpan<byte> slice = _data.Slice(_position, length);
        _position += length;
        return slice;
    }
}
