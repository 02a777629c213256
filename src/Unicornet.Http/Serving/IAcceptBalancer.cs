namespace Unicornet.Http.Serving;

/// <summary>
/// Evens out the connections of workers that accept from one shared listen queue (the gthread and async loops).
/// The kernel hands a burst of queued connections to whichever worker calls accept first, so one worker can end up
/// with nearly all keep-alive connections while the other idles. The loop publishes its open-connection count
/// here, and asks before each accept whether to hold back briefly so that a less busy worker takes the next one
/// (as Puma's <c>wait_for_less_busy_worker</c>). Queued connections stay in the shared queue meanwhile.
/// </summary>
public interface IAcceptBalancer
{
    /// <summary>The loop accepted a connection and now holds <paramref name="open"/>.</summary>
    void Opened(int open);

    /// <summary>A connection of the loop ended after <paramref name="livedMs"/> milliseconds and it now holds <paramref name="open"/>.</summary>
    void Closed(int open, long livedMs);

    /// <summary>
    /// Completes when the loop, holding <paramref name="open"/> connections, may accept: at once unless another
    /// worker holds clearly fewer, else after a short bounded delay.
    /// </summary>
    ValueTask WaitTurnAsync(int open, CancellationToken stop);
}
