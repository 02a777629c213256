using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Unicornet.Hosting.AppLoading;
using Unicornet.Hosting.Server;
using Unicornet.Http.Serving;
using Unicornet.Workers.Boot;
using Unicornet.Workers.Supervision;

namespace Unicornet.Workers.Classes;

/// <summary>
/// What the engine's classes (sync, gthread, async) share: the engine's options (with TLS) from the settings,
/// and the app loaded by the hosting loader as a request delegate (a captured ASP.NET Core host is bridged into
/// one). Each class says which of the engine's serving loops gets them.
/// </summary>
internal static class EngineServing
{
    /// <summary>The engine's options for the class whose loop is <paramref name="loop"/>; TLS failures are boot errors.</summary>
    public static HttpServingOptions Options(WorkerContext worker, ServingLoopKind loop)
    {
        try
        {
            return EngineServingOptionsFactory.From(worker.Config.Options) with
            {
                Loop = loop,
                Tls = TlsOptions.From(worker.Config, worker.Hooks, worker.Log),

                // Only the many-connection loops (gthread, async) ask it; sync accepts one connection at a time.
                AcceptBalancer = PeerAcceptBalancer.For(worker.Heartbeat),
            };
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            worker.Log.TlsSetupFailed(e);
            throw new WorkerBootException(e);
        }
    }

    /// <summary>Loads the app and hands it to the loop <paramref name="createLoop"/> makes; null when the app cannot load.</summary>
    public static IWorkerServer? Load(WorkerContext worker, Func<RequestDelegate, IHttpServingLoop> createLoop)
    {
        LoadedApp? app = AppLoading.Load(worker.Config, worker.Log);
        return app is null ? null : new Server(app, createLoop(app.Handler));
    }

    private sealed class Server(LoadedApp app, IHttpServingLoop loop) : IWorkerServer
    {
        public LoadedApp App => app;

        public Task RunAsync(IReadOnlyList<Socket> listeners, CancellationToken graceful, CancellationToken immediate) =>
            loop.RunAsync(listeners, graceful, immediate);
    }
}
