using System.Buffers;
using System.Buffers.Binary;
using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;

namespace Unicornet.Dirty.Protocol;

/// <summary>
/// Builds one frame (header + TLV payload) in a pooled buffer. The finished buffer is handed to
/// <see cref="FrameConnection.Send"/>, which returns it to the pool once written.
/// </summary>
internal sealed class FrameBuilder
{
    private byte[] _buffer;
    private int _length;

    public FrameBuilder(MessageType type, ulong requestId, int sizeHint = 256)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(sizeHint, 64) + FrameHeader.Size);
        _length = FrameHeader.Size;
        Type = type;
        RequestId = requestId;
    }

    public MessageType Type { get; }

    public ulong RequestId { get; }

    public int PayloadLength => _length - FrameHeader.Size;

    /// <summary>Writes the header and gives up the buffer (the caller must return it to the pool).</summary>
    public (byte[] Buffer, int Length) Finish()
    {
        if (PayloadLength > ProtocolLimits.MaxPayload)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            throw new DirtyProtocolException($"encoded payload of {PayloadLength} bytes exceeds the {ProtocolLimits.MaxPayload} byte limit");
        }

        new FrameHeader(Type, PayloadLength, RequestId).Write(_buffer);
        byte[] buffer = _buffer;
        _buffer = [];
        return (buffer, _length);
    }

    /// <summary>Copies the payload out (tests and in-process use).</summary>
    public byte[] PayloadToArray() => _buffer.AsSpan(FrameHeader.Size, PayloadLength).ToArray();

    public void Discard()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    public void WriteNull() => Span(1)[0] = (byte)TlvType.Null;

    public void WriteBool(bool value)
    {
        Span<byte> s = Span(2);
        s[0] = (byte)TlvType.Bool;
        s[1] = value ? (byte)1 : (byte)0;
    }

    public void WriteInt64(long value)
    {
        Span<byte> s = Span(9);
        s[0] = (byte)TlvType.Int64;
        BinaryPrimitives.WriteInt64BigEndian(s[1..], value);
    }

    public void WriteDouble(double value)
    {
        Span<byte> s = Span(9);
        s[0] = (byte)TlvType.Float64;
        BinaryPrimitives.WriteDoubleBigEndian(s[1..], value);
    }

    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        CheckLength(value.Length);
        Span<byte> s = Span(5 + value.Length);
        s[0] = (byte)TlvType.Bytes;
        BinaryPrimitives.WriteUInt32BigEndian(s[1..], (uint)value.Length);
        value.CopyTo(s[5..]);
    }

    public void WriteString(string value)
    {
        if (value.Length > ProtocolLimits.MaxPayload / 3)
        {
            CheckLength(Encoding.UTF8.GetByteCount(value));
        }

        int max = Encoding.UTF8.GetMaxByteCount(value.Length);
        Span<byte> s = Span(5 + max);
        int written = Encoding.UTF8.GetBytes(value, s[5..]);
        s[0] = (byte)TlvType.String;
        BinaryPrimitives.WriteUInt32BigEndian(s[1..], (uint)written);
        _length -= max - written;
    }

    public void WriteNullableString(string? value)
    {
        if (value is null)
        {
            WriteNull();
        }
        else
        {
            WriteString(value);
        }
    }

    public void WriteListHeader(int count)
    {
        CheckCount(count);
        Span<byte> s = Span(5);
        s[0] = (byte)TlvType.List;
        BinaryPrimitives.WriteUInt32BigEndian(s[1..], (uint)count);
    }

    public void WriteMapHeader(int count)
    {
        CheckCount(count);
        Span<byte> s = Span(5);
        s[0] = (byte)TlvType.Map;
        BinaryPrimitives.WriteUInt32BigEndian(s[1..], (uint)count);
    }

    /// <summary>Appends an already encoded value as is.</summary>
    public void WriteRaw(ReadOnlySpan<byte> encoded) => encoded.CopyTo(Span(encoded.Length));

    /// <summary>Encodes any supported .NET value (see <see cref="DirtyApp"/> for the list).</summary>
    public void WriteValue(object? value) => WriteValue(value, 0);

    private void WriteValue(object? value, int depth)
    {
        if (TryWriteCommon(value) || TryWriteScalar(value!))
        {
            return;
        }

        if (depth >= ProtocolLimits.MaxDepth)
        {
            throw new DirtyProtocolException($"values nested deeper than {ProtocolLimits.MaxDepth} levels (a cycle?)");
        }

        switch (value)
        {
            case IDictionary dict:
                WriteDictionary(dict, depth);
                return;
            case IList list:
                WriteListHeader(list.Count);
                for (int i = 0; i < list.Count; i++)
                {
                    WriteValue(list[i], depth + 1);
                }

                return;
            case IEnumerable enumerable:
                WriteEnumerable(enumerable, depth);
                return;
        }

        // Any other object travels as a map of its public readable properties (records, anonymous types, DTOs).
        PropertyInfo[] props = ObjectShapes.Readable(value!.GetType());
        WriteMapHeader(props.Length);
        foreach (PropertyInfo p in props)
        {
            WriteString(p.Name);
            WriteValue(p.GetValue(value), depth + 1);
        }
    }

    /// <summary>The types calls carry most (checked first, so an argument list costs a few type tests each).</summary>
    private bool TryWriteCommon(object? value)
    {
        switch (value)
        {
            case null:
                WriteNull();
                return true;
            case bool b:
                WriteBool(b);
                return true;
            case string s:
                WriteString(s);
                return true;
            case int i:
                WriteInt64(i);
                return true;
            case long l:
                WriteInt64(l);
                return true;
            case double d:
                WriteDouble(d);
                return true;
            case byte[] bytes:
                WriteBytes(bytes);
                return true;
            default:
                return false;
        }
    }

    /// <summary>The other single values: narrower numbers, enums, byte spans, and types that travel as strings.</summary>
    private bool TryWriteScalar(object value)
    {
        switch (value)
        {
            case float f:
                WriteDouble(f);
                return true;
            case short or sbyte or byte or ushort or uint:
                WriteInt64(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                return true;
            case ulong ul:
                if (ul > long.MaxValue)
                {
                    throw new DirtyProtocolException($"{ul} does not fit in a signed 64-bit integer");
                }

                WriteInt64((long)ul);
                return true;
            case decimal m:
                WriteDouble((double)m);
                return true;
            case Enum e:
                WriteInt64(Convert.ToInt64(e, CultureInfo.InvariantCulture));
                return true;
            case ReadOnlyMemory<byte> rom:
                WriteBytes(rom.Span);
                return true;
            case Memory<byte> mem:
                WriteBytes(mem.Span);
                return true;
            case ArraySegment<byte> seg:
                WriteBytes(seg);
                return true;
        }

        if (AsText(value) is { } text)
        {
            WriteString(text);
            return true;
        }

        return false;
    }

    /// <summary>A char, Guid, DateTime, DateTimeOffset or TimeSpan in its round-trip text form; null for any other value.</summary>
    private static string? AsText(object value) => value switch
    {
        char c => c.ToString(),
        Guid g => g.ToString(),
        DateTime dt => dt.ToString("O", CultureInfo.InvariantCulture),
        DateTimeOffset dto => dto.ToString("O", CultureInfo.InvariantCulture),
        TimeSpan ts => ts.ToString("c", CultureInfo.InvariantCulture),
        _ => null,
    };

    private void WriteDictionary(IDictionary dict, int depth)
    {
        WriteMapHeader(dict.Count);
        foreach (DictionaryEntry entry in dict)
        {
            WriteString(Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? "");
            WriteValue(entry.Value, depth + 1);
        }
    }

    /// <summary>Any other sequence: a map when its items are string-keyed pairs, a list otherwise.</summary>
    private void WriteEnumerable(IEnumerable enumerable, int depth)
    {
        var items = new List<object?>();
        foreach (object? item in enumerable)
        {
            items.Add(item);
        }

        if (items.Count > 0 && IsStringKeyValuePair(items[0]!.GetType()))
        {
            WriteMapHeader(items.Count);
            foreach (object? item in items)
            {
                Type t = item!.GetType();
                WriteString((string)t.GetProperty("Key")!.GetValue(item)!);
                WriteValue(t.GetProperty("Value")!.GetValue(item), depth + 1);
            }

            return;
        }

        WriteListHeader(items.Count);
        foreach (object? item in items)
        {
            WriteValue(item, depth + 1);
        }
    }

    private static bool IsStringKeyValuePair(Type t) =>
        t.IsGenericType && t.GetGenericTypeDefinition() == typeof(KeyValuePair<,>) && t.GetGenericArguments()[0] == typeof(string);

    private static void CheckLength(int length)
    {
        if (length > ProtocolLimits.MaxPayload)
        {
            throw new DirtyProtocolException($"a value of {length} bytes exceeds the {ProtocolLimits.MaxPayload} byte limit");
        }
    }

    private static void CheckCount(int count)
    {
        if (count > ProtocolLimits.MaxItems)
        {
            throw new DirtyProtocolException($"{count} items exceed the {ProtocolLimits.MaxItems} item limit");
        }
    }

    private Span<byte> Span(int size)
    {
        if (_length + size > _buffer.Length)
        {
            if ((long)_length + size > ProtocolLimits.MaxPayload + FrameHeader.Size + 16)
            {
                throw new DirtyProtocolException($"encoded payload exceeds the {ProtocolLimits.MaxPayload} byte limit");
            }

            byte[] bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + size));
            _buffer.AsSpan(0, _length).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }

        Span<byte> span = _buffer.AsSpan(_length, size);
        _length += size;
        return span;
    }
}
