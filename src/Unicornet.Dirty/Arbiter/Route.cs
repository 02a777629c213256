using System.Diagnostics;

namespace Unicornet.Dirty.Arbiter;

/// <summary>
/// One call in flight through the arbiter: which client asked (and under which id), which worker runs
/// it (under the arbiter's own never-reused id), and when it times out.
/// </summary>
internal sealed class Route
{
    private long _deadline;

    public Route(ulong internalId, ClientSession client, ulong clientId, WorkerHandle worker, long deadline)
    {
        InternalId = internalId;
        Client = client;
        ClientId = clientId;
        Worker = worker;
        _deadline = deadline;
    }

    public ulong InternalId { get; }

    public ClientSession Client { get; }

    public ulong ClientId { get; }

    public WorkerHandle Worker { get; }

    /// <summary>Stopwatch timestamp after which the call times out; long.MaxValue for none.</summary>
    public long Deadline => Volatile.Read(ref _deadline);

    public void Extend(long ticks)
    {
        if (ticks != long.MaxValue)
        {
            Volatile.Write(ref _deadline, Stopwatch.GetTimestamp() + ticks);
        }
    }
}
