namespace Unicornet.Arbitration;

/// <summary>
/// Everything the master can log, in one place. Each method is one message; its name is the event's
/// stable name, and its template is the text users and tests grep for, so a template changes only
/// together with everything that searches for it. Property names are part of the JSON log's fields.
/// </summary>
internal static class ArbiterLog
{
    // Start-up and shutdown.
    public static void UnhandledException(this ILog log, Exception e) => log.Exception(e, "Unhandled exception in main loop");

    public static void Starting(this ILog log, string version) => log.Info("Starting unicornet {Version}", version);

    /// <summary>A start-up step failed with a message that says it all (pidfile in use, cannot bind).</summary>
    public static void StartupFailed(this ILog log, string error) => log.Error("{Error}", error);

    public static void UsingWorker(this ILog log, string workerClass) => log.Info("Using worker: {WorkerClass}", workerClass);

    public static void ShuttingDownBecause(this ILog log, string reason) => log.Info("Shutting down: {Reason}", reason);

    public static void ShuttingDown(this ILog log) => log.Info("Shutting down: Master");

    public static void DirtyStopFailed(this ILog log, string error) => log.Warning("Stopping the dirty arbiter failed: {Error}", error);

    public static void DirtyRestarted(this ILog log) => log.Warning("The dirty arbiter exited; restarted it");

    public static void PreloadTimedOut(this ILog log) => log.Error("preload_app: the app did not load within boot_timeout");

    public static void PreloadFailed(this ILog log, int code) => log.Error("preload_app: the app failed to load (exit code {Code})", code);

    public static void PreloadLoaded(this ILog log, string app) => log.Info("preload_app: {App} loads", app);

    // Signals.
    public static void HandlingSignal(this ILog log, string signal) => log.Info("Handling signal: {Signal}", signal);

    public static void SignalWasIgnored(this ILog log, string signal) => log.Debug("Signal {Signal} was ignored by the parent; handling it", signal);

    public static void GracefulStopOfWorkers(this ILog log) => log.Info("graceful stop of workers");

    public static void WinchIgnored(this ILog log) => log.Debug("SIGWINCH ignored. Not daemonized");

    // The worker pool.
    public static void WorkerCountChanged(this ILog log, int old, int value) => log.Info("Number of workers: {Old} -> {New}", old, value);

    public static void HeartbeatFileFailed(this ILog log, string dir, string error) => log.Error("Cannot create a heartbeat file in {Dir}: {Error}", dir, error);

    public static void WorkerStartFailed(this ILog log, string error) => log.Error("Cannot start a worker: {Error}", error);

    public static void WorkerSpawned(this ILog log, int pid, int age, int generation) => log.Debug("Spawned worker (pid: {Pid}, age {Age}, generation {Generation})", pid, age, generation);

    public static void WorkerSigkilled(this ILog log, int pid) => log.Error("Worker (pid:{Pid}) was sent SIGKILL! Perhaps out of memory?", pid);

    public static void WorkerExitedWithCode(this ILog log, int pid, int code) => log.Error("Worker (pid:{Pid}) exited with code {Code}", pid, code);

    public static void WorkerReaped(this ILog log, int pid, int code) => log.Debug("Worker reaped (pid: {Pid}, exit code {Code})", pid, code);

    /// <summary>A worker could not boot or load the app: the master stops (gunicorn's two lines).</summary>
    public static void WorkerBootFailed(this ILog log, int pid, int code, string reason)
    {
        log.Error("Worker (pid:{Pid}) exited with code {Code}.", pid, code);
        log.Error("Reason: {Reason}", reason);
    }

    public static void KillingWorker(this ILog log, int pid, string reason) => log.Warning("Killing worker (pid:{Pid}): {Reason}", pid, reason);

    public static void KillingWorkerAfterGracefulTimeout(this ILog log, int pid) => log.Warning("Killing worker (pid:{Pid}) after graceful_timeout", pid);

    // Timeouts and limits.
    public static void BootTimeout(this ILog log, int pid, int seconds) => log.Critical("Worker (pid:{Pid}) did not boot within boot_timeout ({Seconds} s)", pid, seconds);

    public static void ShutdownDelayStarted(this ILog log, int seconds) =>
        log.Info("Shutdown delay: not ready from now on, serving {Seconds} s more before the graceful stop", seconds);

    public static void ShutdownDelayEnded(this ILog log) => log.Info("Shutdown delay over: stopping gracefully");

    public static void ShutdownDelayCut(this ILog log) => log.Info("Second TERM during the shutdown delay: stopping gracefully now");

    public static void IgnoredWhileStopping(this ILog log, string signal) => log.Info("Ignoring {Signal} during the shutdown delay", signal);

    public static void WorkerTimeout(this ILog log, int pid) => log.Critical("WORKER TIMEOUT (pid:{Pid})", pid);

    /// <summary>gunicorn's line, then the requests the worker was stuck on (oldest first), one per line.</summary>
    public static void WorkerTimeout(this ILog log, int pid, IReadOnlyList<RequestInFlight> requests)
    {
        if (requests.Count == 0)
        {
            log.WorkerTimeout(pid);
            return;
        }

        log.Critical("WORKER TIMEOUT (pid:{Pid}) on {Count} request(s) in flight:\n{Requests}", pid, requests.Count, string.Join("\n", requests.Select(r => "  " + r)));
    }

    public static void WorkerStacks(this ILog log, int pid, double silentSeconds, string stacks) =>
        log.Critical("Stack traces of worker {Pid} (silent for {Seconds:F1} s):\n{Stacks}", pid, silentSeconds, stacks);

    public static void WorkerMemoryExceeded(this ILog log, int pid, long rssMiB, int maxMiB) =>
        log.Warning("Worker (pid:{Pid}) uses {Rss} MiB, above max_worker_memory ({Max} MiB); replacing it", pid, rssMiB, maxMiB);

    // Reload (HUP and the reload setting).
    public static void ReloadFailed(this ILog log, string error) => log.Error("Reload failed, keeping the current configuration: {Error}", error);

    // The script's errors, one per line with file:line:column, exactly as start-up prints them.
    public static void ReloadConfigFailed(this ILog log, string errors) => log.Error("Reload failed, keeping the current configuration:\n{Error}", errors);

    public static void ReloadRolledBack(this ILog log, string reason, int pid) => log.Error("Reload failed: {Reason} (pid:{Pid}); keeping the previous configuration and workers", reason, pid);

    public static void ErrorLogReconfigured(this ILog log, string errorLog, string level) => log.Info("Error log reconfigured: {ErrorLog} at level {Level}", errorLog, level);

    public static void Reloading(this ILog log, int generation, int workers, string workerClass) =>
        log.Info("Reloading: generation {Generation}, {Workers} worker(s) of class {Class}", generation, workers, workerClass);

    public static void ReloadComplete(this ILog log, int count, int generation) => log.Info("Reload complete: {Count} worker(s) running generation {Generation}", count, generation);

    public static void WatchingFiles(this ILog log, int count) => log.Info("Watching {Count} file(s) for changes (reload)", count);

    public static void WatchedFileModified(this ILog log, string file) => log.Info("Worker reloading: {File} modified", file);

    // Binary upgrade (USR2).
    public static void UpgradeIgnoredChildExists(this ILog log) => log.Warning("USR2 signal ignored. Child exists.");

    public static void UpgradeIgnoredParentExists(this ILog log) => log.Warning("USR2 signal ignored. Parent exists.");

    public static void UpgradeStartFailed(this ILog log, string error) => log.Error("Cannot start the new master: {Error}", error);

    public static void UpgradeStarted(this ILog log, int pid) => log.Info("Started new master (pid:{Pid}) for the binary upgrade", pid);

    public static void UpgradeChildExited(this ILog log, int pid, int code) => log.Info("Upgrade master (pid:{Pid}) exited with code {Code}", pid, code);

    public static void Promoted(this ILog log) => log.Info("Master has been promoted.");

    // Listeners and the control socket.
    public static void ListeningAt(this ILog log, string listener, int pid) => log.Info("Listening at: {Listener} ({Pid})", listener, pid);

    public static void ListeningAtInherited(this ILog log, string listener, int pid) => log.Info("Listening at: {Listener} ({Pid}) (inherited)", listener, pid);

    public static void UsingSystemdSockets(this ILog log, int count) => log.Info("Using {Count} socket(s) from systemd", count);

    public static void ClosingListener(this ILog log, string listener) => log.Info("Closing listener {Listener}", listener);

    /// <summary>gunicorn's three lines for a busy address, the last only when it will try again.</summary>
    public static void BindFailed(this ILog log, string address, string error, bool retrying)
    {
        log.Error("Connection in use: {Address}", address);
        log.Error("connection to {Address} failed: {Error}", address, error);
        if (retrying)
        {
            log.Error("Retrying in 1 second.");
        }
    }

    public static void ControlSocketUnavailable(this ILog log, string error) => log.Warning("Control socket not available: {Error}", error);

    // The metrics listener (metrics_bind).
    public static void MetricsListening(this ILog log, string address) => log.Info("Metrics at: {Address} (/metrics, /healthz, /readyz)", address);

    public static void MetricsUnavailable(this ILog log, string address, string error) => log.Warning("Metrics not available at {Address}: {Error}", address, error);

    public static void MetricsScrapeFailed(this ILog log, string error) => log.Warning("A metrics request failed: {Error}", error);
}
