using Unicornet.Config.Options;
using Unicornet.Http.Serving;

namespace Unicornet.Workers.Classes;

/// <summary>
/// <c>gthread</c> (gunicorn's workers/gthread.py): keep-alive connections waited on without a thread each, and
/// a pool of <c>threads</c> threads running requests; <c>worker_connections</c> caps the connections. Hands the
/// engine's threaded connection loop (<see cref="HttpServingLoops.Gthread"/>) the app as a request delegate.
/// </summary>
internal sealed class GthreadWorkerClass : IWorkerClass
{
    public WorkerClassKind Kind => WorkerClassKind.Gthread;

    public string Name => "gthread";

    public int BusyAt(WorkerContext worker) => Math.Max(1, worker.Config.Options.Worker.Threads);

    public bool LogsAppErrors => true;

    public void PrepareProcess(WorkerContext worker)
    {
    }

    public IWorkerServer? Load(WorkerContext worker, IHttpServingEvents events)
    {
        HttpServingOptions options = EngineServing.Options(worker, ServingLoopKind.Gthread);
        return EngineServing.Load(worker, app => HttpServingLoops.Gthread(options, app, events));
    }
}
