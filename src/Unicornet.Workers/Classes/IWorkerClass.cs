using Unicornet.Config.Options;
using Unicornet.Http.Serving;

namespace Unicornet.Workers.Classes;

/// <summary>
/// A worker class: how a worker loads the app and serves it on the inherited listeners. One type per class,
/// in a file named after it; <see cref="WorkerClassRegistry"/> picks it by <see cref="WorkerClassKind"/>.
/// </summary>
internal interface IWorkerClass
{
    WorkerClassKind Kind { get; }

    /// <summary>The class's name in <c>worker_class</c> and in <c>worker.WorkerClass</c>.</summary>
    string Name { get; }

    /// <summary>
    /// How many requests running at once leave the worker unable to take another (sync: 1, gthread: <c>threads</c>;
    /// 0: no such limit). While that many run, the heartbeat reports the start of the youngest of them, so requests
    /// stuck past <c>timeout</c> make the worker look silent to the master as a blocked gunicorn sync worker does.
    /// </summary>
    int BusyAt(WorkerContext worker);

    /// <summary>True when the worker logs the app's exceptions; false when the server logs them itself (Kestrel).</summary>
    bool LogsAppErrors { get; }

    /// <summary>Runs first in the process, before any socket operation (the runtime reads some settings then).</summary>
    void PrepareProcess(WorkerContext worker);

    /// <summary>
    /// Loads the app and binds it to this class's server. Returns null after logging when the app cannot load
    /// (exit 4); throws <see cref="WorkerBootException"/> after logging when the class cannot be set up (exit 3).
    /// </summary>
    IWorkerServer? Load(WorkerContext worker, IHttpServingEvents events);
}
