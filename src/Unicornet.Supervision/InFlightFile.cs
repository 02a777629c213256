using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Unicornet.Platform;

namespace Unicornet.Supervision;

/// <summary>
/// One worker's requests in flight, in a small file the master creates next to the worker's heartbeat file
/// (<see cref="PathFor"/>) and both map: a fixed number of slots, each the start tick, method, path (cut to
/// fit) and client of one running request. The worker writes a slot when a request starts and clears it when
/// it ends; the master reads them when the worker hangs (the WORKER TIMEOUT entry names its requests) and for
/// <c>unicornetc top</c>. The header also carries one word the master writes: whether the coming TERM is the
/// last stop (no other process will accept on the listeners, so the worker drains their accept queue).
/// </summary>
/// <remarks>
/// Each slot has one writer at a time (the worker's in-process owner table hands slots out) and a sequence
/// number that is odd while the slot is written, so a reader in the other process skips or retries a slot that
/// changes under it instead of reporting a torn entry.
/// </remarks>
public sealed class InFlightFile : IDisposable
{
    /// <summary>Slots per worker: requests beyond this many at once are counted but not named.</summary>
    public const int Slots = 32;

    private const int HeaderSize = 64;
    private const int SlotSize = 256;
    private const int Magic = 0x46494E55; // "UNIF"

    private const int MagicOffset = 0;
    private const int SlotsOffset = 4;
    private const int LastStopOffset = 8;
    private const int OverflowOffset = 12;

    private const int SeqOffset = 0;
    private const int StartOffset = 8;
    private const int MethodLengthOffset = 16;
    private const int ClientLengthOffset = 17;
    private const int PathLengthOffset = 18;
    private const int MethodOffset = 20;
    private const int MethodMax = 16;
    private const int ClientOffset = MethodOffset + MethodMax;
    /// <summary>The longest client address a slot keeps.</summary>
    public const int ClientMax = 60;
    private const int PathOffset = ClientOffset + ClientMax;
    private const int PathMax = SlotSize - PathOffset;

    /// <summary>Size of the file.</summary>
    public const int Size = HeaderSize + (Slots * SlotSize);

    private readonly SharedMapping _mapping;

    private InFlightFile(SharedMapping mapping, string path)
    {
        _mapping = mapping;
        Path = path;
    }

    /// <summary>The file's path.</summary>
    public string Path { get; }

    /// <summary>Where the in-flight file of the worker whose heartbeat file is <paramref name="heartbeatPath"/> lives.</summary>
    public static string PathFor(string heartbeatPath) => heartbeatPath + ".requests";

    /// <summary>Creates (master side) an empty file.</summary>
    public static InFlightFile Create(string path)
    {
        SharedMapping.CreateFile(path, Size);
        InFlightFile file = Open(path);
        file._mapping.WriteInt32(SlotsOffset, Slots);
        file._mapping.WriteInt32(MagicOffset, Magic);
        return file;
    }

    /// <summary>Maps an existing file (worker side).</summary>
    public static InFlightFile Open(string path) =>
        new(SharedMapping.Open(path, Size), path);

    /// <summary>Maps the file if it exists and is one (a worker started without a master has none); null otherwise.</summary>
    public static InFlightFile? TryOpen(string? path)
    {
        if (path is null || !File.Exists(path))
        {
            return null;
        }

        try
        {
            InFlightFile file = Open(path);
            if (file._mapping.ReadInt32(MagicOffset) == Magic)
            {
                return file;
            }

            file.Dispose();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // No file, no names: the worker serves as before.
        }

        return null;
    }

    /// <summary>
    /// Set by the master before it sends the TERM of a final stop: nothing else will accept on the listeners
    /// afterwards, so the worker serves what the kernel already queued on them before it closes them.
    /// </summary>
    public bool LastStop
    {
        get => _mapping.ReadInt32(LastStopOffset) != 0;
        set => _mapping.WriteInt32(LastStopOffset, value ? 1 : 0);
    }

    /// <summary>Requests that found every slot taken (counted, not named).</summary>
    public int Overflow
    {
        get => _mapping.ReadInt32(OverflowOffset);
        set => _mapping.WriteInt32(OverflowOffset, value);
    }

    /// <summary>Worker side: records a request in <paramref name="slot"/> (one the caller owns), stamped <paramref name="startTick"/>.</summary>
    public void Write(int slot, long startTick, string method, string path, IPAddress? address, int port)
    {
        int at = HeaderSize + (slot * SlotSize);
        Span<char> client = stackalloc char[ClientMax];
        int clientLength = FormatClient(address, port, client);
        using MappingAccess slotBytes = _mapping.Access();
        int seq = slotBytes.ReadInt32(at + SeqOffset);
        slotBytes.WriteInt32(at + SeqOffset, seq | 1);
        Thread.MemoryBarrier();
        Span<byte> bytes = slotBytes.Bytes(at, SlotSize);
        int m = Ascii(method, bytes.Slice(MethodOffset, MethodMax));
        int c = Ascii(client[..clientLength], bytes.Slice(ClientOffset, ClientMax));
        int p = Ascii(path, bytes.Slice(PathOffset, PathMax));
        bytes[MethodLengthOffset] = (byte)m;
        bytes[ClientLengthOffset] = (byte)c;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes[PathLengthOffset..], (ushort)p);
        slotBytes.WriteInt64(at + StartOffset, startTick);
        Thread.MemoryBarrier();
        slotBytes.WriteInt32(at + SeqOffset, (seq | 1) + 1);
    }

    /// <summary>Worker side: the request in <paramref name="slot"/> ended.</summary>
    public void Clear(int slot)
    {
        int at = HeaderSize + (slot * SlotSize);
        using MappingAccess slotBytes = _mapping.Access();
        int seq = slotBytes.ReadInt32(at + SeqOffset);
        slotBytes.WriteInt32(at + SeqOffset, seq | 1);
        Thread.MemoryBarrier();
        slotBytes.WriteInt64(at + StartOffset, 0L);
        Thread.MemoryBarrier();
        slotBytes.WriteInt32(at + SeqOffset, (seq | 1) + 1);
    }

    /// <summary>Master side: the requests in flight now, oldest first.</summary>
    public IReadOnlyList<RequestInFlight> Read()
    {
        var list = new List<RequestInFlight>();
        long now = MonotonicClock.Now;
        byte[] buffer = new byte[SlotSize];
        using MappingAccess view = _mapping.Access();
        for (int slot = 0; slot < Slots; slot++)
        {
            int at = HeaderSize + (slot * SlotSize);
            for (int attempt = 0; attempt < 3; attempt++)
            {
                int before = view.ReadInt32(at + SeqOffset);
                if ((before & 1) != 0)
                {
                    Thread.Yield();
                    continue;
                }

                long start = view.ReadInt64(at + StartOffset);
                if (start == 0)
                {
                    break;
                }

                view.Bytes(at, SlotSize).CopyTo(buffer);
                Thread.MemoryBarrier();
                if (view.ReadInt32(at + SeqOffset) != before)
                {
                    continue;
                }

                int m = Math.Min((int)buffer[MethodLengthOffset], MethodMax);
                int c = Math.Min((int)buffer[ClientLengthOffset], ClientMax);
                int p = Math.Min((int)BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(PathLengthOffset)), PathMax);
                list.Add(new RequestInFlight(
                    Encoding.ASCII.GetString(buffer, MethodOffset, m),
                    Encoding.ASCII.GetString(buffer, PathOffset, p),
                    Encoding.ASCII.GetString(buffer, ClientOffset, c),
                    TimeSpan.FromMilliseconds(Math.Max(0, now - start))));
                break;
            }
        }

        list.Sort((a, b) => b.Running.CompareTo(a.Running));
        return list;
    }

    /// <inheritdoc />
    public void Dispose() => _mapping.Dispose();

    /// <summary>
    /// Writes <c>address:port</c> (<c>[v6]:port</c>, <c>unix</c> for a Unix socket's peer) into
    /// <paramref name="into"/> without allocating; returns the length written.
    /// </summary>
    public static int FormatClient(IPAddress? address, int port, Span<char> into)
    {
        if (address is null)
        {
            return "unix".AsSpan().TryCopyTo(into) ? 4 : 0;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        bool v6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        int n = 0;
        if (v6)
        {
            into[n++] = '[';
        }

        if (!address.TryFormat(into[n..^8], out int written))
        {
            return 0;
        }

        n += written;
        if (v6)
        {
            into[n++] = ']';
        }

        into[n++] = ':';
        port.TryFormat(into[n..], out written, default, CultureInfo.InvariantCulture);
        return n + written;
    }

    /// <summary>Copies <paramref name="text"/> as ASCII (anything else becomes '?'), cut to fit; returns the length.</summary>
    private static int Ascii(ReadOnlySpan<char> text, Span<byte> into)
    {
        int n = Math.Min(text.Length, into.Length);
        for (int i = 0; i < n; i++)
        {
            char ch = text[i];
            into[i] = ch is >= ' ' and < (char)127 ? (byte)ch : (byte)'?';
        }

        return n;
    }
}
