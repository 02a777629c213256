using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Unicornet.Config;
using Unicornet.Hosting.AppLoading;
using Unicornet.Hosting.Kestrel;
using Unicornet.Http.Serving;

namespace Unicornet.Workers.Classes;

/// <summary>
/// The <c>kestrel</c> class: Kestrel bound with ListenHandle to the inherited fds. A plain request
/// delegate gets a minimal Kestrel host; a whole ASP.NET Core app keeps its own Kestrel with the
/// endpoints replaced by the inherited listeners (<see cref="KestrelServing"/>).
/// </summary>
internal sealed class KestrelWorkerClass : IWorkerClass
{
    private readonly KestrelServing _serving;

    private KestrelWorkerClass(KestrelServing serving)
    {
        _serving = serving;
    }

    /// <summary>The loaded app (what to dispose at exit).</summary>
    public LoadedApp? App => _serving.App;

    /// <summary>Loads the app into Kestrel; null after logging when it cannot (the worker exits 4).</summary>
    public static KestrelWorkerClass? Load(UnicornetConfig config, ILog log, IHttpServingEvents events)
    {
        string? appModule = config.AppModule;
        if (string.IsNullOrEmpty(appModule))
        {
            log.Error("No application module specified.");
            return null;
        }

        try
        {
            KestrelServing serving = KestrelServing.Load(
                appModule,
                config.Options.Worker.Chdir,
                KestrelServingOptionsFactory.SearchPath(config),
                KestrelServingOptionsFactory.From(config, log),
                events);
            return new KestrelWorkerClass(serving);
        }
        catch (Exception e)
        {
            AppLoadFailure.Log(log, appModule, e);
            return null;
        }
    }

    public Task RunAsync(RequestDelegate app, IReadOnlyList<Socket> listeners, IHttpServingEvents events, CancellationToken graceful, CancellationToken immediate) =>
        _serving.RunAsync(listeners, graceful, immediate);
}
