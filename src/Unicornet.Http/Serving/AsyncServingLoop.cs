using System.Net.Sockets;
using Microsoft.AspNetCore.Http;

namespace Unicornet.Http.Serving;

/// <summary>
/// The async worker class: many keep-alive connections per process (<see cref="MultiConnectionLoop"/>) and no limit
/// on requests running at once, as on a gevent worker. With inline socket completions
/// (<see cref="HttpServingOptions.AppsRunOnPollThread"/>) requests run on the poll threads: a new connection is
/// served on the accepting thread and the app's flushes are held while it runs synchronously. Upgrades
/// (WebSockets) are allowed: an upgraded connection holds only its own task.
/// </summary>
internal sealed class AsyncServingLoop : IHttpServingLoop
{
    private readonly MultiConnectionLoop _loop;

    public AsyncServingLoop(HttpServingOptions options, RequestDelegate app, IHttpServingEvents events) =>
        _loop = new MultiConnectionLoop(options, app, events);

    public Task RunAsync(IReadOnlyList<Socket> listeners, CancellationToken graceful, CancellationToken immediate) =>
        _loop.RunAsync(listeners, requestGate: null, allowUpgrade: true, appsRunOnPollThread: _loop.Options.AppsRunOnPollThread, graceful, immediate);
}
