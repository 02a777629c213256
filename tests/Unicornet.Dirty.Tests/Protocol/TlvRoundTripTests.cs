using Unicornet.Dirty.Protocol;

namespace Unicornet.Dirty.Tests.Protocol;

public sealed class TlvRoundTripTests
{
    private static byte[] Encode(object? value)
    {
        var f = new FrameBuilder(MessageType.Response, 1);
        f.WriteValue(value);
        byte[] payload = f.PayloadToArray();
        f.Discard();
        return payload;
    }

    private static object? Decode(byte[] payload)
    {
        var reader = new TlvReader(payload);
        object? value = reader.ReadValue();
        reader.End.ShouldBeTrue();
        return value;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(42)]
    [InlineData(2026)]
    public void Generated_values_survive_a_round_trip(int seed)
    {
        var gen = new ValueGenerator(seed);
        for (int i = 0; i < 300; i++)
        {
            object? value = gen.Next();
            object? back = Decode(Encode(value));
            ValueGenerator.DeepEqual(value, back).ShouldBeTrue($"seed {seed}, value {i}");
        }
    }

    [Fact]
    public void Dotnet_values_are_widened_to_wire_types()
    {
        Decode(Encode(7)).ShouldBe(7L);
        Decode(Encode((byte)7)).ShouldBe(7L);
        Decode(Encode(1.5f)).ShouldBe(1.5);
        Decode(Encode('x')).ShouldBe("x");
        Decode(Encode(DayOfWeek.Friday)).ShouldBe(5L);
        Decode(Encode(new ReadOnlyMemory<byte>([1, 2]))).ShouldBe(new byte[] { 1, 2 });
        var map = (Dictionary<string, object?>)Decode(Encode(new { Name = "a", Count = 2 }))!;
        map["Name"].ShouldBe("a");
        map["Count"].ShouldBe(2L);
        var list = (List<object?>)Decode(Encode(new HashSet<int> { 3 }))!;
        list.ShouldBe(new object?[] { 3L });
    }

    [Fact]
    public void Bytes_travel_raw_without_base64()
    {
        byte[] data = [0xff, 0x00, 0x41];
        byte[] payload = Encode(data);
        payload.Length.ShouldBe(1 + 4 + 3);
        payload.AsSpan(5).ToArray().ShouldBe(data);
    }

    [Fact]
    public void Converter_builds_records_lists_and_dictionaries()
    {
        object? wire = Decode(Encode(new { X = 1, Y = 2 }));
        TlvConverter.To<Tests.Apps.Point>(wire).ShouldBe(new Tests.Apps.Point(1, 2));
        TlvConverter.To<int[]>(Decode(Encode(new[] { 1, 2 }))).ShouldBe([1, 2]);
        TlvConverter.To<Dictionary<string, int>>(Decode(Encode(new Dictionary<string, int> { ["a"] = 1 })))!["a"].ShouldBe(1);
        TlvConverter.To<int?>(null).ShouldBeNull();
        Should.Throw<InvalidCastException>(() => TlvConverter.To<int>(1.5));
    }

    [Fact]
    public void Cycles_and_oversized_collections_are_refused_when_encoding()
    {
        var cyclic = new List<object?>();
        cyclic.Add(cyclic);
        Should.Throw<DirtyProtocolException>(() => Encode(cyclic));
        var f = new FrameBuilder(MessageType.Request, 1);
        Should.Throw<DirtyProtocolException>(() => f.WriteListHeader(ProtocolLimits.MaxItems + 1));
        f.Discard();
    }

    [Fact]
    public void Header_round_trips_and_rejects_bad_magic_version_type_and_size()
    {
        byte[] buffer = new byte[FrameHeader.Size];
        new FrameHeader(MessageType.Chunk, 1234, ulong.MaxValue - 1).Write(buffer);
        FrameHeader.Read(buffer).ShouldBe(new FrameHeader(MessageType.Chunk, 1234, ulong.MaxValue - 1));

        byte[] badMagic = (byte[])buffer.Clone();
        badMagic[0] = (byte)'G';
        Should.Throw<DirtyProtocolException>(() => FrameHeader.Read(badMagic)).Message.ShouldContain("magic");

        byte[] badVersion = (byte[])buffer.Clone();
        badVersion[2] = 9;
        Should.Throw<DirtyProtocolException>(() => FrameHeader.Read(badVersion)).Message.ShouldContain("version");

        byte[] badType = (byte[])buffer.Clone();
        badType[3] = 0x7f;
        Should.Throw<DirtyProtocolException>(() => FrameHeader.Read(badType));

        byte[] huge = (byte[])buffer.Clone();
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(huge.AsSpan(4), ProtocolLimits.MaxPayload + 1u);
        Should.Throw<DirtyProtocolException>(() => FrameHeader.Read(huge)).Message.ShouldContain("limit");
    }
}
