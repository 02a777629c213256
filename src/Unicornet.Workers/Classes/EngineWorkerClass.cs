using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Unicornet.Http.Serving;

namespace Unicornet.Workers.Classes;

/// <summary>sync, gthread and async: unicornet's own HTTP/1.x engine (<see cref="HttpServingLoops"/>).</summary>
internal sealed class EngineWorkerClass : IWorkerClass
{
    private readonly HttpServingOptions _options;

    public EngineWorkerClass(HttpServingOptions options)
    {
        _options = options;
    }

    public Task RunAsync(RequestDelegate app, IReadOnlyList<Socket> listeners, IHttpServingEvents events, CancellationToken graceful, CancellationToken immediate) =>
        HttpServingLoops.Create(_options, app, events).RunAsync(listeners, graceful, immediate);
}
