using System.Globalization;
using Unicornet.Config.Options;
using Unicornet.Http.Serving;
using Unicornet.Platform;

namespace Unicornet.Workers.Classes;

/// <summary>
/// <c>async</c> (gunicorn's gevent/ASGI workers): every connection non-blocking, the app's code running on the
/// socket poll threads as a gevent worker runs everything on its loop; the app must never block. Hands the
/// engine's async connection loop (<see cref="HttpServingLoops.Async"/>) the app as a request delegate, and tells the
/// engine when requests run on the poll threads.
/// </summary>
internal sealed class AsyncWorkerClass : IWorkerClass
{
    public WorkerClassKind Kind => WorkerClassKind.Async;

    public string Name => "async";

    public int BusyAt(WorkerContext worker) => 0;

    public bool LogsAppErrors => true;

    /// <summary>
    /// Runs each socket's continuations on the thread that polled the socket instead of handing every read to a
    /// thread-pool thread: measured, that hop cost two context switches and a spinning pool thread per keep-alive
    /// request, and the app's contract for this class is already "never block". Set before the first asynchronous
    /// socket operation of the process, which is when .NET reads it; a value the operator set is kept.
    /// </summary>
    public void PrepareProcess(WorkerContext worker)
    {
        if (Environment.GetEnvironmentVariable(ChildRuntime.InlineSocketCompletionsVariable) is null)
        {
            Environment.SetEnvironmentVariable(ChildRuntime.InlineSocketCompletionsVariable, "1");
        }

        // Inline, a connection is served only by the poll thread that owns it, and a poll thread that waits for a
        // core holds every connection it owns. The runtime would give each worker one per core: with as many
        // workers as cores, twice the runnable threads the cores can run, and a keep-alive p99 about twice that of
        // one engine per worker (bench/results/2026-12-04-session11-p99.md). Workers share the cores instead, as many
        // as the master keeps when it starts this one (after TTIN or TTOU, not the configured count).
        if (ChildRuntime.InlineSocketCompletions && Environment.GetEnvironmentVariable(ChildRuntime.SocketEngineCountVariable) is null)
        {
            int engines = ChildRuntime.SocketEnginesPerWorker(worker.WorkerCount, Environment.ProcessorCount);
            Environment.SetEnvironmentVariable(ChildRuntime.SocketEngineCountVariable, engines.ToString(CultureInfo.InvariantCulture));
        }
    }

    public IWorkerServer? Load(WorkerContext worker, IHttpServingEvents events)
    {
        // With inline completions off (the README's way to let an async app block) requests run on pool threads.
        HttpServingOptions options = EngineServing.Options(worker, ServingLoopKind.Async) with { AppsRunOnPollThread = ChildRuntime.InlineSocketCompletions };
        return EngineServing.Load(worker, app => HttpServingLoops.Async(options, app, events));
    }
}
