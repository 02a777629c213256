using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Unicornet.Http.Connection;

namespace Unicornet.Http.Serving;

/// <summary>
/// The gthread worker class: many keep-alive connections per process (<see cref="MultiConnectionLoop"/>), with at
/// most <c>threads</c> requests running at once, each on a thread-pool thread so an app may block. Every flush is
/// sent at once, and the hang-up read ahead starts before the app runs. No upgrades: an upgraded connection would
/// hold one of the <c>threads</c> for as long as it lives.
/// </summary>
internal sealed class GthreadServingLoop : IHttpServingLoop
{
    private readonly HttpServingOptions _options;
    private readonly RequestDelegate _app;
    private readonly IHttpServingEvents _events;
    private readonly MultiConnectionLoop _loop;

    public GthreadServingLoop(HttpServingOptions options, RequestDelegate app, IHttpServingEvents events)
    {
        _options = options;
        _app = app;
        _events = events;
        _loop = new MultiConnectionLoop(options, events);
    }

    public async Task RunAsync(IReadOnlyList<Socket> listeners, CancellationToken graceful, CancellationToken immediate)
    {
        using var threads = new SemaphoreSlim(Math.Max(1, _options.Threads));
        var settings = new ConnectionSettings(_options, _app, _events, keepAlive: true, requestGate: threads);
        await _loop.RunAsync(settings, listeners, graceful, immediate).ConfigureAwait(false);
    }
}
