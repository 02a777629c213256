using System.Diagnostics;
using Unicornet.Config;
using Unicornet.Config.Options;
using Unicornet.Platform;
using Unicornet.Supervision;

namespace Unicornet.Arbitration;

/// <summary>Starts a worker process: this executable in the worker role, with the listener fds inherited.</summary>
internal static class WorkerSpawner
{
    /// <summary>Variables a worker must not inherit from the master's own environment.</summary>
    private static readonly string[] s_masterOnly = ["UNICORNET_PID", "LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES", "NOTIFY_SOCKET"];

    public static Process Start(WorkerHandle worker, WorkerClassKind workerClass, string snapshotPath, string fds, int masterPid, int workers, string? checkApp = null, IReadOnlyDictionary<string, string>? extra = null)
    {
        ProcessStartInfo psi = SelfLauncher.StartInfo(ProcessRoles.Worker);
        foreach (string name in s_masterOnly)
        {
            psi.Environment.Remove(name);
        }

        WorkerEnvironment.Write(psi.Environment, new WorkerStart(snapshotPath, fds, worker.Age, worker.Heartbeat.Path, masterPid, checkApp, workers));
        foreach ((string key, string value) in extra ?? new Dictionary<string, string>())
        {
            psi.Environment[key] = value;
        }

        ChildRuntime.UseSmallGen0(psi);
        ChildRuntime.NoTieredPgo(psi);
        if (workerClass == WorkerClassKind.Kestrel)
        {
            // Kestrel hands every socket event to the thread pool; the engine classes poll or block instead.
            ChildRuntime.NoThreadPoolSpinning(psi);
        }

        // The master holds the only write end: the worker sees EOF on stdin when the master dies.
        psi.RedirectStandardInput = true;
        return Process.Start(psi) ?? throw new InvalidOperationException("the worker process did not start");
    }
}
