using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Unicornet.Http.Serving;

namespace Unicornet.Hosting.Tests.Support;

/// <summary>Records what a serving loop reports; allows <see cref="MaxRequests"/> requests (0 = unlimited).</summary>
internal sealed class RecordingEvents : IHttpServingEvents
{
    private int _started;

    public int MaxRequests { get; init; }

    public ConcurrentQueue<RequestSummary> Completed { get; } = new();

    public int Ticks;

    public bool RequestStarting(HttpContext context)
    {
        int n = Interlocked.Increment(ref _started);
        return MaxRequests == 0 || n < MaxRequests;
    }

    public void RequestCompleted(HttpContext context, RequestSummary summary) => Completed.Enqueue(summary);

    public void Tick() => Interlocked.Increment(ref Ticks);

    public Task WaitForCompletedAsync(int count) =>
        Eventually.UntilAsync(() => Task.FromResult(Completed.Count >= count), TimeSpan.FromSeconds(10), $"{count} completed request(s)");
}
