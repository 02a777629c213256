using System.Buffers.Binary;
using System.Net.Sockets;
using Unicornet.Control.Client;
using Unicornet.Control.Protocol;

namespace Unicornet.Control.Tests;

/// <summary>Bad input on a real server socket: a clear error or a closed connection, and the server keeps serving.</summary>
public sealed class MalformedFrameTests
{
    private static async Task<ControlResponse?> ReadReplyAsync(Socket socket)
    {
        using CancellationTokenSource timeout = new(TimeSpan.FromSeconds(10));
        NetworkStream stream = new(socket, ownsSocket: false);
        byte[]? payload = await ControlFraming.ReadFrameAsync(stream, timeout.Token);
        return payload is null ? null : ControlResponse.Parse(payload);
    }

    private static async Task AssertServerStillAnswersAsync(TestServer server)
    {
        await using ControlClient client = await server.ConnectAsync();
        ControlResponse reply = await client.SendAsync("show workers");
        reply.IsOk.ShouldBeTrue(reply.Error);
    }

    [Fact]
    public async Task Invalid_json_gets_an_error_reply_and_the_connection_stays_usable()
    {
        await using TestServer server = new();
        using Socket socket = server.ConnectRaw();

        socket.Send(ControlFraming.Encode("{this is not json"u8));
        ControlResponse reply = (await ReadReplyAsync(socket))!;
        reply.IsOk.ShouldBeFalse();
        reply.Error!.ShouldStartWith("Invalid JSON");

        socket.Send(ControlFraming.Encode(new ControlRequest(9, "show stats", []).ToUtf8Json()));
        ControlResponse next = (await ReadReplyAsync(socket))!;
        next.IsOk.ShouldBeTrue(next.Error);
        next.Id.ShouldBe(9);
    }

    [Fact]
    public async Task Empty_payload_and_wrong_shapes_get_error_replies_with_the_id()
    {
        await using TestServer server = new();
        using Socket socket = server.ConnectRaw();

        socket.Send(ControlFraming.Encode([]));
        (await ReadReplyAsync(socket))!.Error!.ShouldStartWith("Invalid JSON");

        socket.Send(ControlFraming.Encode("{\"id\":31,\"command\":[\"show\"]}"u8));
        ControlResponse shape = (await ReadReplyAsync(socket))!;
        shape.Id.ShouldBe(31);
        shape.Error!.ShouldContain("'command' must be a string");

        socket.Send(ControlFraming.Encode("\"just a string\""u8));
        (await ReadReplyAsync(socket))!.Error!.ShouldContain("expected a JSON object");

        server.Handler.Calls.ShouldBeEmpty();
        await AssertServerStillAnswersAsync(server);
    }

    [Fact]
    public async Task Huge_length_gets_an_error_then_the_connection_is_closed()
    {
        await using TestServer server = new();
        using Socket socket = server.ConnectRaw();

        byte[] header = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(header, uint.MaxValue);
        socket.Send(header);

        ControlResponse reply = (await ReadReplyAsync(socket))!;
        reply.IsOk.ShouldBeFalse();
        reply.Error!.ShouldStartWith("Frame too large");
        (await ReadReplyAsync(socket)).ShouldBeNull();

        await AssertServerStillAnswersAsync(server);
    }

    [Fact]
    public async Task Length_just_over_the_limit_is_refused_too()
    {
        await using TestServer server = new();
        using Socket socket = server.ConnectRaw();
        byte[] header = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(header, ControlFraming.MaxPayloadLength + 1u);
        socket.Send(header);
        (await ReadReplyAsync(socket))!.Error!.ShouldStartWith("Frame too large");
        await AssertServerStillAnswersAsync(server);
    }

    [Fact]
    public async Task Truncated_frame_then_hang_up_does_not_disturb_the_server()
    {
        await using TestServer server = new();
        using (Socket socket = server.ConnectRaw())
        {
            socket.Send([0, 0, 1, 0, (byte)'{', (byte)'"']);
            socket.Shutdown(SocketShutdown.Send);
            socket.Receive(new byte[16]).ShouldBe(0);
        }

        using (Socket socket = server.ConnectRaw())
        {
            socket.Send([0, 0]);
        }

        await AssertServerStillAnswersAsync(server);
    }

    [Fact]
    public async Task Unknown_command_is_an_error_reply_and_reaches_no_handler()
    {
        await using TestServer server = new();
        await using ControlClient client = await server.ConnectAsync();

        ControlResponse reply = await client.SendAsync("frobnicate the master");
        reply.IsOk.ShouldBeFalse();
        reply.Error!.ShouldStartWith("Unknown command: 'frobnicate'");

        ControlResponse empty = await client.SendAsync("   ");
        empty.Error!.ShouldStartWith("Empty command");

        ControlResponse quote = await client.SendAsync("show 'workers");
        quote.Error!.ShouldBe("Invalid argument: unterminated single quote");

        server.Handler.Calls.ShouldBeEmpty();
        (await client.SendAsync("help")).IsOk.ShouldBeTrue();
    }

    [Fact]
    public async Task Garbage_bytes_from_many_clients_leave_the_server_serving()
    {
        await using TestServer server = new();
        Random random = new(1234);
        for (int i = 0; i < 20; i++)
        {
            using Socket socket = server.ConnectRaw();
            byte[] junk = new byte[random.Next(1, 300)];
            random.NextBytes(junk);
            junk[0] = 0;
            socket.Send(junk);
        }

        await AssertServerStillAnswersAsync(server);
    }
}
