using Unicornet.Platform;

namespace Unicornet.Supervision;

/// <summary>
/// One worker's heartbeat: a 64-byte file mapped by the master and the worker. The worker stores
/// <see cref="MonotonicClock.Now"/> (CLOCK_MONOTONIC, the same clock in every process) and its
/// phase; the master reads both each tick. A plain memory store costs nothing on the request path and
/// cannot block on disk, unlike gunicorn's fchmod of a temp file.
/// </summary>
public sealed class HeartbeatFile : IDisposable
{
    /// <summary>Size of a slot file.</summary>
    public const int Size = 64;

    private const int TickOffset = 0;
    private const int PhaseOffset = 8;
    private const int RequestsOffset = 16;
    private const int ConnectionsOffset = 24;

    private readonly SharedMapping _mapping;

    private HeartbeatFile(SharedMapping mapping)
    {
        _mapping = mapping;
    }

    /// <summary>The file's path.</summary>
    public string Path { get; private init; } = "";

    /// <summary>Creates (master side) a fresh slot file stamped with the current tick.</summary>
    public static HeartbeatFile Create(string path)
    {
        SharedMapping.CreateFile(path, Size);
        HeartbeatFile hb = Open(path);
        hb.Beat();
        return hb;
    }

    /// <summary>Maps an existing slot file (worker side).</summary>
    public static HeartbeatFile Open(string path) =>
        new(SharedMapping.Open(path, Size)) { Path = path };

    /// <summary>Records a heartbeat stamped now.</summary>
    public void Beat() => _mapping.WriteInt64(TickOffset, MonotonicClock.Now);

    /// <summary>Records a heartbeat with an explicit stamp (an older one reports a stuck request).</summary>
    public void BeatAt(long tick) => _mapping.WriteInt64(TickOffset, tick);

    /// <summary>The last stamp.</summary>
    public long LastTick => _mapping.ReadInt64(TickOffset);

    /// <summary>Milliseconds since the last stamp.</summary>
    public long SilentMilliseconds => MonotonicClock.MillisecondsSince(LastTick);

    /// <summary>The phase the worker reported.</summary>
    public WorkerPhase Phase
    {
        get => (WorkerPhase)_mapping.ReadInt32(PhaseOffset);
        set => _mapping.WriteInt32(PhaseOffset, (int)value);
    }

    /// <summary>Requests the worker handled so far.</summary>
    public long Requests
    {
        get => _mapping.ReadInt64(RequestsOffset);
        set => _mapping.WriteInt64(RequestsOffset, value);
    }

    /// <summary>
    /// Connections the worker holds open now (gthread and async), read by the other workers of the same master to
    /// even out accepts.
    /// </summary>
    public long Connections
    {
        get => _mapping.ReadInt64(ConnectionsOffset);
        set => _mapping.WriteInt64(ConnectionsOffset, value);
    }

    /// <inheritdoc />
    public void Dispose() => _mapping.Dispose();
}
