using Unicornet.Config.Options;
using Unicornet.Http.Serving;

namespace Unicornet.Workers.Classes;

/// <summary>
/// <c>sync</c> (gunicorn's workers/sync.py): one connection at a time, one request per connection, no keep-alive.
/// Hands the engine's sync loop (<see cref="HttpServingLoops.Sync"/>) the app as a request delegate. The heartbeat
/// reports the oldest in-flight request, so a request stuck past <c>timeout</c> gets the worker killed.
/// </summary>
internal sealed class SyncWorkerClass : IWorkerClass
{
    public WorkerClassKind Kind => WorkerClassKind.Sync;

    public string Name => "sync";

    public int BusyAt(WorkerContext worker) => 1;

    public bool LogsAppErrors => true;

    public void PrepareProcess(WorkerContext worker)
    {
    }

    public IWorkerServer? Load(WorkerContext worker, IHttpServingEvents events)
    {
        HttpServingOptions options = EngineServing.Options(worker, ServingLoopKind.Sync);
        return EngineServing.Load(worker, app => HttpServingLoops.Sync(options, app, events));
    }
}
