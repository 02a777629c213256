using Microsoft.AspNetCore.Http;

namespace Unicornet.Http.Serving;

/// <summary>Creates the serving loop for a worker class.</summary>
public static class HttpServingLoops
{
    /// <summary>The loop for <see cref="HttpServingOptions.WorkerClass"/> serving <paramref name="app"/>.</summary>
    public static IHttpServingLoop Create(HttpServingOptions options, RequestDelegate app, IHttpServingEvents events)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(events);
        return options.WorkerClass.ToLowerInvariant() switch
        {
            "sync" => new SyncServingLoop(options, app, events),
            "gthread" => new ConnectionServingLoop(options, app, events, limitRequests: true),
            "async" => new ConnectionServingLoop(options, app, events, limitRequests: false),
            _ => throw new NotSupportedException($"worker class '{options.WorkerClass}' has no serving loop"),
        };
    }
}
