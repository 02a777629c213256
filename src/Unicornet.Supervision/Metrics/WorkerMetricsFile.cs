namespace Unicornet.Supervision.Metrics;

/// <summary>
/// One worker's metrics, in a 64 KiB file the master creates next to the worker's heartbeat file and
/// both map (apart from the heartbeat, whose fields belong to supervision). The worker adds to the
/// request cells with interlocked operations straight in the mapping, so recording a request takes no lock
/// and allocates nothing, and a scrape never asks a worker anything. The app's meters, which have
/// names and tags, are published as one encoded block under a sequence lock once a second.
/// </summary>
/// <remarks>
/// Layout: a 64-byte header (magic, active requests, exit reason, the meter block's sequence and length),
/// then <see cref="SeriesSlots"/> request series (key = method and status, one cell per duration bucket,
/// the summed nanoseconds), then the meter block. A series' count is the sum of its buckets, so a
/// reader always sees a consistent histogram.
/// </remarks>
public sealed unsafe class WorkerMetricsFile : IDisposable
{
    /// <summary>Size of the file.</summary>
    public const int Size = 64 * 1024;

    /// <summary>How many (method, status) series a worker can hold; more distinct pairs are not recorded.</summary>
    public const int SeriesSlots = 128;

    private const int Magic = 0x544d4e55; // "UNMT"
    private const int MagicOffset = 0;
    private const int ActiveOffset = 8;
    private const int ExitReasonOffset = 16;
    private const int MeterSeqOffset = 24;
    private const int MeterLengthOffset = 32;
    private const int SeriesOffset = 64;
    private const int SlotLongs = 2 + RequestDurationBuckets.Count; // key, buckets..., sum nanoseconds
    private const int SlotSize = SlotLongs * 8;
    private const int MeterOffset = SeriesOffset + (SeriesSlots * SlotSize);

    /// <summary>Room for the encoded meter block.</summary>
    public const int MeterCapacity = Size - MeterOffset;

    private readonly SharedMapping _mapping;
    private readonly byte* _base;
    private int _disposed;

    private WorkerMetricsFile(SharedMapping mapping, string path)
    {
        _mapping = mapping;
        Path = path;
        byte* p = null;
        mapping.View.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        _base = p + mapping.View.PointerOffset;
    }

    /// <summary>The file's path.</summary>
    public string Path { get; }

    /// <summary>The file a worker with heartbeat file <paramref name="heartbeatPath"/> uses.</summary>
    /// <remarks>Named so that it does not match <c>hb-*</c>, which the workers' accept balancing scans for heartbeat files.</remarks>
    public static string PathFor(string heartbeatPath) =>
        System.IO.Path.Combine(System.IO.Path.GetDirectoryName(heartbeatPath) ?? ".", "metrics." + System.IO.Path.GetFileName(heartbeatPath));

    /// <summary>Creates (master side) a zeroed file.</summary>
    public static WorkerMetricsFile Create(string path)
    {
        SharedMapping.CreateFile(path, Size);
        WorkerMetricsFile f = Open(path);
        *(int*)(f._base + MagicOffset) = Magic;
        return f;
    }

    /// <summary>Maps an existing file (worker side); null when it is missing or not a metrics file.</summary>
    public static WorkerMetricsFile? TryOpen(string path)
    {
        try
        {
            WorkerMetricsFile f = Open(path);
            if (*(int*)(f._base + MagicOffset) == Magic)
            {
                return f;
            }

            f.Dispose();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
        }

        return null;
    }

    private static WorkerMetricsFile Open(string path) =>
        new(SharedMapping.Open(path, Size), path);

    /// <summary>Requests in the app now.</summary>
    public long ActiveRequests => Volatile.Read(ref *(long*)(_base + ActiveOffset));

    /// <summary>Why the worker is leaving, as it told the master before it exited.</summary>
    public WorkerExitReason ExitReason
    {
        get => (WorkerExitReason)Volatile.Read(ref *(int*)(_base + ExitReasonOffset));
        set => Volatile.Write(ref *(int*)(_base + ExitReasonOffset), (int)value);
    }

    /// <summary>A request entered the app.</summary>
    public void RequestStarted() => Interlocked.Increment(ref *(long*)(_base + ActiveOffset));

    /// <summary>A request that <see cref="RequestStarted"/> counted left the app.</summary>
    public void RequestEnded() => Interlocked.Decrement(ref *(long*)(_base + ActiveOffset));

    /// <summary>Records one finished request; lock-free and allocation-free.</summary>
    public void RecordRequest(HttpMethodKind method, int status, long nanoseconds)
    {
        long* slot = FindSlot(SeriesKey(method, status));
        if (slot is null)
        {
            return;
        }

        Interlocked.Increment(ref slot[1 + RequestDurationBuckets.IndexOf(nanoseconds)]);
        Interlocked.Add(ref slot[SlotLongs - 1], Math.Max(nanoseconds, 0));
    }

    /// <summary>Calls <paramref name="visit"/> for each recorded series: method, status, per-bucket counts (not cumulative), summed nanoseconds.</summary>
    public void ReadRequests(RequestSeriesVisitor visit)
    {
        ArgumentNullException.ThrowIfNull(visit);
        Span<long> buckets = stackalloc long[RequestDurationBuckets.Count];
        for (int i = 0; i < SeriesSlots; i++)
        {
            long* slot = (long*)(_base + SeriesOffset + (i * SlotSize));
            long key = Volatile.Read(ref slot[0]);
            if (key == 0)
            {
                continue;
            }

            for (int b = 0; b < buckets.Length; b++)
            {
                buckets[b] = Volatile.Read(ref slot[1 + b]);
            }

            visit((HttpMethodKind)((key >> 16) - 1), (int)(key & 0xffff), buckets, Volatile.Read(ref slot[SlotLongs - 1]));
        }
    }

    /// <summary>Publishes the encoded meter block (worker side, one writer); false when it does not fit.</summary>
    public bool PublishMeters(ReadOnlySpan<byte> block)
    {
        if (block.Length > MeterCapacity)
        {
            return false;
        }

        ref long seq = ref *(long*)(_base + MeterSeqOffset);
        long next = seq + 1;
        Volatile.Write(ref seq, next); // odd: being written
        Interlocked.MemoryBarrier();
        block.CopyTo(new Span<byte>(_base + MeterOffset, MeterCapacity));
        Volatile.Write(ref *(int*)(_base + MeterLengthOffset), block.Length);
        Interlocked.MemoryBarrier();
        Volatile.Write(ref seq, next + 1);
        return true;
    }

    /// <summary>A consistent copy of the last published meter block, empty when none was published, null when it kept changing under the reader.</summary>
    public byte[]? ReadMeters()
    {
        ref long seq = ref *(long*)(_base + MeterSeqOffset);
        for (int attempt = 0; attempt < 4; attempt++)
        {
            long before = Volatile.Read(ref seq);
            if ((before & 1) != 0)
            {
                Thread.Yield();
                continue;
            }

            int length = Math.Clamp(Volatile.Read(ref *(int*)(_base + MeterLengthOffset)), 0, MeterCapacity);
            byte[] copy = new ReadOnlySpan<byte>(_base + MeterOffset, length).ToArray();
            Interlocked.MemoryBarrier();
            if (Volatile.Read(ref seq) == before)
            {
                return copy;
            }
        }

        return null;
    }

    private static long SeriesKey(HttpMethodKind method, int status) => ((long)((int)method + 1) << 16) | (uint)(status & 0xffff);

    private long* FindSlot(long key)
    {
        int start = (int)(unchecked((ulong)key * 0x9E3779B97F4A7C15UL) >> 57); // 7 bits: 0..127
        for (int i = 0; i < SeriesSlots; i++)
        {
            long* slot = (long*)(_base + SeriesOffset + (((start + i) & (SeriesSlots - 1)) * SlotSize));
            long current = Volatile.Read(ref slot[0]);
            if (current == key)
            {
                return slot;
            }

            if (current == 0)
            {
                long found = Interlocked.CompareExchange(ref slot[0], key, 0);
                if (found == 0 || found == key)
                {
                    return slot;
                }
            }
        }

        return null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _mapping.View.SafeMemoryMappedViewHandle.ReleasePointer();
        _mapping.Dispose();
    }
}

/// <summary>Receives one request series read from a <see cref="WorkerMetricsFile"/>.</summary>
/// <param name="method">The request method.</param>
/// <param name="status">The response status code.</param>
/// <param name="buckets">Requests per duration bucket (<see cref="RequestDurationBuckets"/>), not cumulative.</param>
/// <param name="sumNanoseconds">The requests' summed duration.</param>
public delegate void RequestSeriesVisitor(HttpMethodKind method, int status, ReadOnlySpan<long> buckets, long sumNanoseconds);

/// <summary>Why a worker left, as it wrote it into its metrics file.</summary>
public enum WorkerExitReason
{
    /// <summary>Nothing said: the master decides from what it saw.</summary>
    None = 0,

    /// <summary>The worker reached max_requests.</summary>
    MaxRequests = 1,
}
