using Unicornet.Config;
using Unicornet.Hosting.Kestrel;

namespace Unicornet.Hosting.AppLoading;

/// <summary>Builds <see cref="AppLoadOptions"/> and the loader's arguments from the resolved settings.</summary>
public static class AppLoadOptionsFactory
{
    /// <summary>The load options a worker uses for <paramref name="config"/>.</summary>
    public static AppLoadOptions From(UnicornetConfig config, ILog? log = null) => new()
    {
        BoundAddresses = KestrelServingOptionsFactory.BoundAddresses(config),
        Log = log,
        StopTimeout = TimeSpan.FromSeconds(Math.Max(1, config.Options.Worker.GracefulTimeout)),
    };

    /// <summary>The <c>chdir</c> setting (null when unset or empty).</summary>
    public static string? Chdir(UnicornetConfig config) => config.Options.Worker.Chdir;
}
