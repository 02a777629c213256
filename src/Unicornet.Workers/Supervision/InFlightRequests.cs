using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Unicornet.Platform;

namespace Unicornet.Workers.Supervision;

/// <summary>
/// The requests a worker is running right now and when each started. For the <c>sync</c> class the
/// heartbeat reports the start of the oldest one, so a request stuck past <c>timeout</c> makes the
/// worker look silent to the master exactly as a blocked gunicorn sync worker does, whichever
/// serving loop (and however many threads) runs it.
/// </summary>
internal sealed class InFlightRequests
{
    private readonly ConcurrentDictionary<HttpContext, long> _started = new();

    public int Count => _started.Count;

    public void Start(HttpContext context) => _started[context] = MonotonicClock.Now;

    public void End(HttpContext context) => _started.TryRemove(context, out _);

    /// <summary>The start tick of the oldest in-flight request, or <paramref name="now"/> when none.</summary>
    public long OldestStart(long now)
    {
        long oldest = now;
        foreach (KeyValuePair<HttpContext, long> kv in _started)
        {
            if (kv.Value < oldest)
            {
                oldest = kv.Value;
            }
        }

        return oldest;
    }
}
