using System.Net.Sockets;
using Unicornet.Dirty.Protocol;

namespace Unicornet.Dirty.Tests.Protocol;

/// <summary>Random and damaged input may only ever produce DirtyProtocolException (or a value), never another exception or a hang.</summary>
public sealed class FuzzTests
{
    private static void DecodeAll(byte[] payload)
    {
        var reader = new TlvReader(payload);
        while (!reader.End)
        {
            reader.ReadValue();
        }
    }

    private static void MustOnlyFailWithProtocolException(byte[] payload)
    {
        try
        {
            DecodeAll(payload);
        }
        catch (DirtyProtocolException)
        {
        }
    }

    [Fact]
    public void Random_bytes_never_throw_anything_else()
    {
        var random = new Random(7);
        for (int i = 0; i < 20000; i++)
        {
            byte[] payload = new byte[random.Next(0, 64)];
            random.NextBytes(payload);

            // Bias toward valid type bytes so the decoder goes deep instead of failing at byte 0.
            for (int j = 0; j < payload.Length; j += random.Next(1, 6))
            {
                if (random.Next(2) == 0)
                {
                    payload[j] = (byte)random.Next(0, 8);
                }
            }

            MustOnlyFailWithProtocolException(payload);
        }
    }

    [Fact]
    public void Every_truncation_of_a_valid_value_is_a_protocol_error()
    {
        var gen = new ValueGenerator(11);
        for (int i = 0; i < 200; i++)
        {
            var f = new FrameBuilder(MessageType.Response, 1);
            f.WriteValue(gen.Next());
            byte[] payload = f.PayloadToArray();
            f.Discard();
            for (int cut = 0; cut < payload.Length; cut++)
            {
                byte[] truncated = payload[..cut];
                if (cut == 0)
                {
                    DecodeAll(truncated); // empty payload: no values, no error
                    continue;
                }

                Should.Throw<DirtyProtocolException>(() => new TlvReader(truncated).ReadValue());
            }
        }
    }

    [Fact]
    public void Bit_flips_never_throw_anything_else()
    {
        var gen = new ValueGenerator(13);
        var random = new Random(13);
        for (int i = 0; i < 500; i++)
        {
            var f = new FrameBuilder(MessageType.Response, 1);
            f.WriteValue(gen.Next());
            byte[] payload = f.PayloadToArray();
            f.Discard();
            if (payload.Length == 0)
            {
                continue;
            }

            for (int k = 0; k < 10; k++)
            {
                byte[] damaged = (byte[])payload.Clone();
                damaged[random.Next(damaged.Length)] ^= (byte)(1 << random.Next(8));
                MustOnlyFailWithProtocolException(damaged);
            }
        }
    }

    [Fact]
    public void Lying_counts_and_deep_nesting_are_rejected_without_allocating()
    {
        // A list claiming a million items in 5 bytes.
        Should.Throw<DirtyProtocolException>(() => new TlvReader([0x06, 0x00, 0x0f, 0x42, 0x40]).ReadValue());

        // 100 nested lists of one item.
        byte[] deep = new byte[100 * 5 + 1];
        for (int i = 0; i < 100; i++)
        {
            deep[i * 5] = 0x06;
            deep[(i * 5) + 4] = 1;
        }

        Should.Throw<DirtyProtocolException>(() => new TlvReader(deep).ReadValue()).Message.ShouldContain("nested");

        // Invalid UTF-8.
        Should.Throw<DirtyProtocolException>(() => new TlvReader([0x05, 0, 0, 0, 1, 0xff]).ReadValue());
    }

    [Fact]
    public async Task Random_streams_end_in_a_protocol_error_or_eof_never_a_hang()
    {
        var random = new Random(5);
        string dir = Directory.CreateTempSubdirectory("dirty-fuzz-").FullName;
        try
        {
            for (int i = 0; i < 40; i++)
            {
                string path = Path.Combine(dir, $"s{i}.sock");
                using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                listener.Bind(new UnixDomainSocketEndPoint(path));
                listener.Listen(1);
                using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await client.ConnectAsync(new UnixDomainSocketEndPoint(path));
                using Socket server = await listener.AcceptAsync();

                byte[] junk = new byte[random.Next(0, 200)];
                random.NextBytes(junk);
                if (i % 2 == 0 && junk.Length >= 4)
                {
                    junk[0] = (byte)'U';
                    junk[1] = (byte)'D';
                    junk[2] = 1;
                    junk[3] = 0x02;
                }

                await client.SendAsync(junk);
                client.Shutdown(SocketShutdown.Send);

                using var connection = new FrameConnection(server);
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                try
                {
                    while (await connection.ReadAsync(cts.Token) is { } frame)
                    {
                        MustOnlyFailWithProtocolException(frame.Payload);
                    }
                }
                catch (DirtyProtocolException)
                {
                }

                cts.IsCancellationRequested.ShouldBeFalse();
            }
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
