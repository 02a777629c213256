using System.Net.Sockets;
using Unicornet.Config.Options;
using Unicornet.Hosting.AppLoading;
using Unicornet.Hosting.Kestrel;
using Unicornet.Http.Serving;

namespace Unicornet.Workers.Classes;

/// <summary>
/// <c>kestrel</c>: Kestrel bound with ListenHandle to the inherited fds (HTTP/2, Kestrel's TLS). It loads the
/// app itself: a plain request delegate gets a minimal Kestrel host; a whole ASP.NET Core app keeps its own
/// Kestrel with the endpoints replaced by the inherited listeners (<see cref="KestrelServing"/>). Nothing goes
/// to unicornet's engine; Kestrel logs the app's exceptions.
/// </summary>
internal sealed class KestrelWorkerClass : IWorkerClass
{
    public WorkerClassKind Kind => WorkerClassKind.Kestrel;

    public string Name => "kestrel";

    public int BusyAt(WorkerContext worker) => 0;

    public bool LogsAppErrors => false;

    public void PrepareProcess(WorkerContext worker)
    {
    }

    /// <summary>Loads the app into Kestrel; null after logging when it cannot (the worker exits 4).</summary>
    public IWorkerServer? Load(WorkerContext worker, IHttpServingEvents events)
    {
        string? appModule = worker.Config.AppModule;
        if (string.IsNullOrEmpty(appModule))
        {
            worker.Log.NoAppModule();
            return null;
        }

        try
        {
            KestrelServing serving = KestrelServing.Load(
                appModule,
                worker.Config.Options.Worker.Chdir,
                KestrelServingOptionsFactory.SearchPath(worker.Config),
                KestrelServingOptionsFactory.From(worker.Config, worker.Log),
                events);
            return serving.App is { } app ? new Server(app, serving) : null;
        }
        catch (Exception e)
        {
            worker.Log.AppLoadFailed(e, appModule);
            return null;
        }
    }

    private sealed class Server(LoadedApp app, KestrelServing serving) : IWorkerServer
    {
        public LoadedApp App => app;

        public Task RunAsync(IReadOnlyList<Socket> listeners, CancellationToken graceful, CancellationToken immediate) =>
            serving.RunAsync(listeners, graceful, immediate);
    }
}
