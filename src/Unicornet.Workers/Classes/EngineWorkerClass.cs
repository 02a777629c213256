using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Unicornet.Http.Serving;
using Unicornet.Workers.Interim;

namespace Unicornet.Workers.Classes;

/// <summary>sync, gthread and async: unicornet's own HTTP/1.x engine (<see cref="HttpServingLoops"/>).</summary>
internal sealed class EngineWorkerClass : IWorkerClass
{
    private readonly HttpServingOptions _options;
    private readonly ILog _log;

    public EngineWorkerClass(HttpServingOptions options, ILog log)
    {
        _options = options;
        _log = log;
    }

    public Task RunAsync(RequestDelegate app, IReadOnlyList<Socket> listeners, IHttpServingEvents events, CancellationToken graceful, CancellationToken immediate)
    {
        IHttpServingLoop loop;
        try
        {
            loop = HttpServingLoops.Create(_options, app, events);
        }
        catch (NotSupportedException e)
        {
            // INTERIM: until the engine's loops exist, a minimal responder keeps the process model testable.
            _log.Warning("{Reason}; using the interim HTTP responder", e.Message);
            loop = new InterimHttpLoop(_options, app, events, _log);
        }

        return loop.RunAsync(listeners, graceful, immediate);
    }
}
