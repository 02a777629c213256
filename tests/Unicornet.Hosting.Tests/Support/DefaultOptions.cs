using Unicornet.Config.Options;
using Unicornet.Hosting.Kestrel;
using Unicornet.Hosting.Server;
using Unicornet.Http.Serving;

namespace Unicornet.Hosting.Tests.Support;

/// <summary>The serving options at the settings registry's defaults, as a worker with no settings would build them.</summary>
internal static class DefaultOptions
{
    public static HttpServingOptions Engine { get; } = EngineServingOptionsFactory.From(UnicornetOptions.Defaults);

    public static KestrelServingOptions Kestrel { get; } = KestrelServingOptionsFactory.From(UnicornetOptions.Defaults);
}
