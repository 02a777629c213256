using Unicornet.Config;
using Unicornet.Config.Options;
using Unicornet.Hosting.Server;
using Unicornet.Http.Serving;

namespace Unicornet.Workers;

/// <summary>Builds the engine's plain options from the resolved settings.</summary>
internal static class ServingOptions
{
    public static HttpServingOptions From(UnicornetConfig c) => EngineServingOptionsFactory.From(c.Options) with
    {
        // Read after the worker decided its socket completions (WorkerProcess.InlineSocketCompletions).
        AppsRunOnPollThread = c.Options.Worker.WorkerClass == WorkerClassKind.Async && Unicornet.Platform.ChildRuntime.InlineSocketCompletions,
    };
}
