using Unicornet.Config;
using Unicornet.Hosting.AppLoading;
using Unicornet.Supervision;

namespace Unicornet.Workers.Boot;

/// <summary>Loads the app for the engine's worker classes and for the preload_app check child.</summary>
internal static class AppLoading
{
    /// <summary>Loads the app with the hosting loader; null after logging when it cannot.</summary>
    public static LoadedApp? Load(UnicornetConfig config, ILog log)
    {
        string? appModule = config.AppModule;
        if (string.IsNullOrEmpty(appModule))
        {
            log.NoAppModule();
            return null;
        }

        try
        {
            return AppLoader.Load(appModule, config.Options.Worker.Chdir, config.Options.Worker.PythonPath);
        }
        catch (Exception e)
        {
            log.AppLoadFailed(e, appModule);
            return null;
        }
    }

    /// <summary>The preload_app check: loads the app, stops it, and says by the exit code whether that worked.</summary>
    public static int Check(UnicornetConfig config, ILog log)
    {
        LoadedApp? app = Load(config, log);
        if (app?.Dispose is not null)
        {
            app.Dispose().Wait(TimeSpan.FromSeconds(5));
        }

        return app is null ? WorkerEnvironment.AppLoadErrorExitCode : 0;
    }
}
