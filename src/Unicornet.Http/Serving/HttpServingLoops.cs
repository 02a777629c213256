using Microsoft.AspNetCore.Http;

namespace Unicornet.Http.Serving;

/// <summary>Creates the serving loop for a worker class.</summary>
public static class HttpServingLoops
{
    /// <summary>The loop for <see cref="HttpServingOptions.WorkerClass"/> serving <paramref name="app"/>.</summary>
    public static IHttpServingLoop Create(HttpServingOptions options, RequestDelegate app, IHttpServingEvents events) =>
        throw new NotSupportedException($"worker class '{options?.WorkerClass}' has no serving loop yet");
}
