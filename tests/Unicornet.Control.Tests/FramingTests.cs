using System.Buffers.Binary;
using System.Text;
using Unicornet.Control.Protocol;

namespace Unicornet.Control.Tests;

public sealed class FramingTests
{
    private static readonly CancellationToken s_none = CancellationToken.None;

    [Fact]
    public async Task Frames_round_trip_back_to_back_on_one_stream()
    {
        byte[] first = new ControlRequest(1, "show workers", []).ToUtf8Json();
        byte[] second = new ControlRequest(2, "worker add", ["3"]).ToUtf8Json();
        using MemoryStream stream = new();
        await ControlFraming.WriteFrameAsync(stream, first, s_none);
        await ControlFraming.WriteFrameAsync(stream, second, s_none);
        stream.Position = 0;

        byte[]? a = await ControlFraming.ReadFrameAsync(stream, s_none);
        byte[]? b = await ControlFraming.ReadFrameAsync(stream, s_none);
        byte[]? end = await ControlFraming.ReadFrameAsync(stream, s_none);

        a.ShouldBe(first);
        b.ShouldBe(second);
        end.ShouldBeNull();
        ControlRequest parsed = ControlRequest.Parse(b!);
        parsed.Id.ShouldBe(2);
        parsed.Command.ShouldBe("worker add");
        parsed.Args.ShouldBe(["3"]);
    }

    [Fact]
    public void Encode_writes_a_big_endian_length_prefix()
    {
        byte[] frame = ControlFraming.Encode(Encoding.UTF8.GetBytes("{}"));
        frame.ShouldBe(new byte[] { 0, 0, 0, 2, (byte)'{', (byte)'}' });
    }

    [Fact]
    public async Task Payload_larger_than_the_first_buffer_chunk_is_read_whole()
    {
        byte[] payload = Encoding.UTF8.GetBytes("{\"id\":1,\"command\":\"" + new string('x', 200_000) + "\"}");
        using MemoryStream stream = new(ControlFraming.Encode(payload));
        (await ControlFraming.ReadFrameAsync(stream, s_none)).ShouldBe(payload);
    }

    [Fact]
    public async Task Length_over_16_MiB_is_rejected_without_reading_the_payload()
    {
        byte[] header = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(header, ControlFraming.MaxPayloadLength + 1u);
        using MemoryStream stream = new(header);
        ControlFrameException e = await Should.ThrowAsync<ControlFrameException>(async () => await ControlFraming.ReadFrameAsync(stream, s_none));
        e.Error.ShouldBe(ControlFrameError.TooLarge);
    }

    [Fact]
    public async Task Truncated_header_and_truncated_payload_are_errors()
    {
        using MemoryStream header = new([0, 0]);
        (await Should.ThrowAsync<ControlFrameException>(async () => await ControlFraming.ReadFrameAsync(header, s_none))).Error.ShouldBe(ControlFrameError.Truncated);

        using MemoryStream payload = new([0, 0, 0, 10, (byte)'{']);
        (await Should.ThrowAsync<ControlFrameException>(async () => await ControlFraming.ReadFrameAsync(payload, s_none))).Error.ShouldBe(ControlFrameError.Truncated);
    }

    [Fact]
    public void Encode_refuses_an_oversized_payload()
    {
        Should.Throw<ControlFrameException>(() => ControlFraming.Encode(new byte[ControlFraming.MaxPayloadLength + 1]));
    }

    [Theory]
    [InlineData("not json", "Invalid JSON")]
    [InlineData("[1,2]", "expected a JSON object")]
    [InlineData("{\"id\":\"x\",\"command\":\"help\"}", "'id' must be an integer")]
    [InlineData("{\"id\":5}", "'command' must be a string")]
    [InlineData("{\"id\":5,\"command\":\"help\",\"args\":\"a\"}", "'args' must be an array")]
    [InlineData("{\"id\":5,\"command\":\"help\",\"args\":[{}]}", "only strings and numbers")]
    public void Malformed_requests_are_described(string json, string expected)
    {
        ControlRequestException e = Should.Throw<ControlRequestException>(() => ControlRequest.Parse(Encoding.UTF8.GetBytes(json)));
        e.Message.ShouldContain(expected);
    }

    [Fact]
    public void Wrong_shape_keeps_the_request_id_for_the_reply()
    {
        Should.Throw<ControlRequestException>(() => ControlRequest.Parse("{\"id\":42,\"command\":7}"u8)).Id.ShouldBe(42);
    }

    [Fact]
    public void Numeric_args_and_missing_args_are_accepted()
    {
        ControlRequest r = ControlRequest.Parse("{\"id\":3,\"command\":\"worker add\",\"args\":[2]}"u8);
        r.Args.ShouldBe(["2"]);
        ControlRequest.Parse("{\"command\":\"help\"}"u8).Args.ShouldBeEmpty();
    }

    [Fact]
    public void Replies_round_trip()
    {
        ControlResponse ok = ControlResponse.Parse(ControlResponse.EncodeOk(7, w => w.WriteStringValue("x")));
        ok.IsOk.ShouldBeTrue();
        ok.Id.ShouldBe(7);
        ok.Data!.Value.GetString().ShouldBe("x");

        ControlResponse error = ControlResponse.Parse(ControlResponse.EncodeError(8, "Invalid argument: nope"));
        error.IsOk.ShouldBeFalse();
        error.Id.ShouldBe(8);
        error.Error.ShouldBe("Invalid argument: nope");
    }
}
