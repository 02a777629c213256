using System.Net.Sockets;
using Unicornet.Config;
using Unicornet.Config.Snapshot;
using Unicornet.Logging;
using Unicornet.Platform;
using Unicornet.Supervision;
using Unicornet.Workers.Boot;
using Unicornet.Workers.Classes;
using Unicornet.Workers.Supervision;

namespace Unicornet.Workers;

/// <summary>
/// Starts one HTTP worker process from what the master handed it (<see cref="WorkerEnvironment"/>): the
/// settings, the log, the heartbeat slot, the worker class; then the worker's life runs beside its main loop
/// (<see cref="WorkerLifecycle"/>, <see cref="WorkerMainLoop"/>). Exit 3 = boot error, 4 = app load error.
/// </summary>
internal static class WorkerProcess
{
    public static int Run()
    {
        WorkerStart? start = WorkerEnvironment.Read(Environment.GetEnvironmentVariable, ProcessInfo.ParentPid);
        if (start is null)
        {
            Console.Error.WriteLine("unicornet worker: " + WorkerEnvironment.Config + " is not set; workers are started by the master");
            return WorkerEnvironment.BootErrorExitCode;
        }

        UnicornetConfig config;
        try
        {
            config = ConfigSnapshot.Read(start.ConfigPath);
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"unicornet worker: cannot read the config snapshot {start.ConfigPath}: {e.Message}");
            return WorkerEnvironment.BootErrorExitCode;
        }

        var log = new UnicornetLog(LoggingSetup.Options(config, "worker", LoggingSetup.Statsd(config)));
        try
        {
            if (start.OnlyCheckApp)
            {
                return AppLoading.Check(config, log);
            }

            // Not disposed (nor the in-flight file): the mappings stay until the process exits, because late ticks from the serving
            // loop's threads may still stamp it while the process ends, and a disposed view would throw there.
#pragma warning disable CA2000
            return OpenHeartbeat(start, log) is { } heartbeat ? Serve(new WorkerContext(config, log, heartbeat, start) { InFlightFile = InFlightFile.TryOpen(start.HeartbeatPath is { } hb ? InFlightFile.PathFor(hb) : null) }, start) : WorkerEnvironment.BootErrorExitCode;
#pragma warning restore CA2000
        }
        finally
        {
            log.Dispose();
        }
    }

    private static HeartbeatFile? OpenHeartbeat(WorkerStart start, ILog log)
    {
        try
        {
            // A worker started by hand (no master) stamps a slot of its own that nobody reads.
            return start.HeartbeatPath is { } path ? HeartbeatFile.Open(path) : HeartbeatFile.Create(Path.Combine(Path.GetTempPath(), $"unicornet-hb-{ProcessInfo.Pid}"));
        }
        catch (Exception e)
        {
            log.HeartbeatFileUnavailable(e, start.HeartbeatPath ?? "");
            return null;
        }
    }

    private static int Serve(WorkerContext worker, WorkerStart start)
    {
        IWorkerClass workerClass = WorkerClassRegistry.Get(worker.Config.Options.Worker.WorkerClass);
        worker.Heartbeat.Beat();
        workerClass.PrepareProcess(worker);
        ProcessInfo.SetTitle("worker [" + worker.Config.Options.Arbiter.ProcName + "]");

        // A hung worker's stacks are read by a helper the master starts, not by the master itself.
        ProcessInfo.AllowTracingBy(start.MasterPid);
        IReadOnlyList<Socket> listeners = InheritedListeners.Wrap(start.Fds);
        WorkerSignals signals = WorkerSignals.Install(worker);
        HeartbeatThread heartbeat = HeartbeatThread.Start(worker);
        var lifecycle = new WorkerLifecycle(worker, workerClass, listeners);
        return new WorkerMainLoop(worker, signals, heartbeat).Run(Task.Run(lifecycle.RunAsync));
    }
}
