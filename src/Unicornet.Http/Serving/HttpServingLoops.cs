using Microsoft.AspNetCore.Http;

namespace Unicornet.Http.Serving;

/// <summary>Creates the serving loop for a worker class: one loop type per class, each in a file named after it.</summary>
public static class HttpServingLoops
{
    /// <summary>The loop for <see cref="HttpServingOptions.Loop"/> serving <paramref name="app"/>.</summary>
    public static IHttpServingLoop Create(HttpServingOptions options, RequestDelegate app, IHttpServingEvents events)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Loop switch
        {
            ServingLoopKind.Sync => Sync(options, app, events),
            ServingLoopKind.Gthread => Gthread(options, app, events),
            ServingLoopKind.Async => Async(options, app, events),
            _ => throw new NotSupportedException($"serving loop {options.Loop} does not exist"),
        };
    }

    /// <summary>The sync class's loop: one connection at a time, no keep-alive (<see cref="SyncServingLoop"/>).</summary>
    public static IHttpServingLoop Sync(HttpServingOptions options, RequestDelegate app, IHttpServingEvents events)
    {
        Validate(options, app, events);
        return new SyncServingLoop(options, app, events);
    }

    /// <summary>The gthread class's loop: many connections, at most <c>threads</c> requests at once (<see cref="GthreadServingLoop"/>).</summary>
    public static IHttpServingLoop Gthread(HttpServingOptions options, RequestDelegate app, IHttpServingEvents events)
    {
        Validate(options, app, events);
        return new GthreadServingLoop(options, app, events);
    }

    /// <summary>The async class's loop: many connections and requests, upgrades allowed (<see cref="AsyncServingLoop"/>).</summary>
    public static IHttpServingLoop Async(HttpServingOptions options, RequestDelegate app, IHttpServingEvents events)
    {
        Validate(options, app, events);
        return new AsyncServingLoop(options, app, events);
    }

    private static void Validate(HttpServingOptions options, RequestDelegate app, IHttpServingEvents events)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(events);
    }
}
