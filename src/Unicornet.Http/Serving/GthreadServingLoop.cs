using System.Net.Sockets;
using Microsoft.AspNetCore.Http;

namespace Unicornet.Http.Serving;

/// <summary>
/// The gthread worker class: many keep-alive connections per process (<see cref="MultiConnectionLoop"/>), with at
/// most <c>threads</c> requests running at once, each on a thread-pool thread so an app may block. Every flush is
/// sent at once, and the hang-up read ahead starts before the app runs. No upgrades: an upgraded connection would
/// hold one of the <c>threads</c> for as long as it lives.
/// </summary>
internal sealed class GthreadServingLoop : IHttpServingLoop
{
    private readonly MultiConnectionLoop _loop;

    public GthreadServingLoop(HttpServingOptions options, RequestDelegate app, IHttpServingEvents events) =>
        _loop = new MultiConnectionLoop(options, app, events);

    public async Task RunAsync(IReadOnlyList<Socket> listeners, CancellationToken graceful, CancellationToken immediate)
    {
        using var threads = new SemaphoreSlim(Math.Max(1, _loop.Options.Threads));
        await _loop.RunAsync(listeners, requestGate: threads, allowUpgrade: false, appsRunOnPollThread: false, graceful, immediate).ConfigureAwait(false);
    }
}
