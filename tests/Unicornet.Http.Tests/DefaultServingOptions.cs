using Unicornet.Config.Options;
using Unicornet.Hosting.Server;
using Unicornet.Http.Serving;

namespace Unicornet.Http.Tests;

/// <summary>The engine options at the settings registry's defaults, as a worker with no settings would build them.</summary>
internal static class DefaultServingOptions
{
    public static HttpServingOptions Value { get; } = EngineServingOptionsFactory.From(UnicornetOptions.Defaults);
}
