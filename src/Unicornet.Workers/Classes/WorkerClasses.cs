using Unicornet.Config;
using Unicornet.Http.Serving;

namespace Unicornet.Workers.Classes;

/// <summary>Maps a <c>worker_class</c> name to its implementation.</summary>
internal static class WorkerClasses
{
    /// <summary>The class for <paramref name="options"/>.WorkerClass; throws <see cref="ArgumentException"/> for an unknown name.</summary>
    public static IWorkerClass Create(HttpServingOptions options, UnicornetConfig config, ILog log) => options.WorkerClass switch
    {
        "sync" or "gthread" or "async" => new EngineWorkerClass(options, log),
        "kestrel" => new KestrelWorkerClass(options, config, log),
        _ => throw new ArgumentException($"unknown worker class '{options.WorkerClass}'"),
    };
}
