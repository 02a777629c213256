namespace Unicornet.Dirty.Routing;

/// <summary>Something calls can be sent to, with a count of the calls it has not answered yet.</summary>
internal interface ICallTarget
{
    int InFlight { get; }
}

/// <summary>
/// Picks the target with the fewest calls in flight, ties going round-robin. Once every thread is busy,
/// calls queue in the workers; sending each to the shortest queue keeps every worker fed, where plain
/// round-robin lets a worker whose calls run a little faster drain its queue and idle while a slower
/// one's queue grows. Used by the arbiter for the calls it relays and by clients for their direct calls.
/// </summary>
internal static class LeastBusy
{
    public static T Pick<T>(T[] targets, ref int next)
        where T : class, ICallTarget
    {
        int start = (int)((uint)Interlocked.Increment(ref next) % (uint)targets.Length);
        T best = targets[start];
        int fewest = best.InFlight;
        for (int i = 1; i < targets.Length && fewest > 0; i++)
        {
            T candidate = targets[(start + i) % targets.Length];
            int inFlight = candidate.InFlight;
            if (inFlight < fewest)
            {
                best = candidate;
                fewest = inFlight;
            }
        }

        return best;
    }
}
