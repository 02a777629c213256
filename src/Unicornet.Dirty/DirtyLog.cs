using Unicornet.Dirty.Protocol;

namespace Unicornet.Dirty;

/// <summary>
/// Everything the dirty pool logs, in one place: the dirty arbiter, its dirty workers and the master's
/// supervisor of the arbiter. Each method is one event; its name is the event's stable name, and its
/// template is the line's text (tests and operators grep for it, so it does not change). The
/// <see cref="ILog"/> these go to has no field for an event id, so the name stays in the code.
/// </summary>
internal static class DirtyLog
{
    // The dirty arbiter.
    public static void ArbiterCannotListen(ILog log, string socket, string error) =>
        log.Critical("Dirty arbiter cannot listen on {Socket}: {Error}", socket, error);

    public static void ArbiterBooted(ILog log, int pid, string socket, int workers) =>
        log.Info("Dirty arbiter booted (pid {Pid}) on {Socket} with {Workers} dirty workers", pid, socket, workers);

    public static void ArbiterFailed(ILog log, Exception e) => log.Exception(e, "Dirty arbiter failed");

    public static void ArbiterExiting(ILog log, int pid) => log.Info("Dirty arbiter exiting (pid: {Pid})", pid);

    public static void AppAssemblyNotFound(ILog log, string assembly, string cwd) =>
        log.Warning("Dirty app assembly {Assembly} not found from {Cwd}; its workers will fail to boot", assembly, cwd);

    public static void AppAssemblyUnreadable(ILog log, string assembly, string error) =>
        log.Warning("Cannot read {Assembly}: {Error}", assembly, error);

    public static void TargetBelowAppMinimum(ILog log, int target, int minimum) =>
        log.Warning("dirty_workers = {Target} is below the largest per-app worker count {Minimum}; some apps get fewer workers", target, minimum);

    public static void StoppingGracefully(ILog log) => log.Info("Dirty arbiter: TERM, stopping gracefully");

    public static void StoppingQuickly(ILog log, string signal) => log.Info("Dirty arbiter: {Signal}, stopping quickly", signal);

    public static void ScaledUp(ILog log, string result) => log.Info("Dirty arbiter: TTIN: {Result}", result);

    public static void ScaledDown(ILog log, string result) => log.Info("Dirty arbiter: TTOU: {Result}", result);

    public static void MasterGone(ILog log, int pid) => log.Warning("Dirty arbiter: the master (pid {Pid}) is gone, shutting down", pid);

    public static void ReloadFailed(ILog log, string error) =>
        log.Error("Dirty arbiter: cannot reload the config snapshot, keeping the old settings: {Error}", error);

    public static void Reloading(ILog log, int count) => log.Info("Dirty arbiter: reloading {Count} dirty workers", count);

    public static void StoppingStaleArbiter(ILog log, int pid, string pidFile) =>
        log.Warning("Dirty arbiter: stopping stale dirty arbiter {Pid} found in {PidFile}", pid, pidFile);

    // The arbiter's supervision of its dirty workers.
    public static void WorkerTimeout(ILog log, int pid) => log.Critical("DIRTY WORKER TIMEOUT (pid:{Pid})", pid);

    public static void WorkerStopped(ILog log, int pid) => log.Info("Dirty worker {Pid} stopped", pid);

    public static void WorkerDied(ILog log, int pid, int age, int code) =>
        log.Warning("Dirty worker {Pid} (age {Age}) died with code {Code}", pid, age, code);

    public static void WorkerBootFailed(ILog log, int pid, double delay) =>
        log.Error("Dirty worker {Pid} failed to boot; next attempt in {Delay}s", pid, delay);

    public static void WorkerCannotStart(ILog log, string error) => log.Error("Cannot start a dirty worker: {Error}", error);

    public static void WorkerBooting(ILog log, int pid, string apps) => log.Info("Booting dirty worker with pid: {Pid} (apps: {Apps})", pid, apps);

    public static void WorkerIsReady(ILog log, int pid) => log.Info("Dirty worker {Pid} is ready", pid);

    public static void WorkerKilledAfterGrace(ILog log, int pid, int grace) =>
        log.Warning("Dirty worker {Pid} did not stop within {Grace}s; killing it", pid, grace);

    // The arbiter's connections.
    public static void ClientSentWrongFrame(ILog log, MessageType type) =>
        log.Warning("Dirty arbiter: closing a client connection that sent a {Type} frame", type);

    public static void ClientClosed(ILog log, string error) => log.Warning("Dirty arbiter: closing a client connection: {Error}", error);

    public static void WorkerProtocolError(ILog log, int pid, string error) =>
        log.Error("Dirty arbiter: protocol error from dirty worker {Pid}: {Error}", pid, error);

    public static void WorkerSkippedHello(ILog log, MessageType type) =>
        log.Warning("Dirty arbiter: a worker connection began with {Type}, not HELLO; closing it", type);

    public static void HelloFromUnknownPid(ILog log, int pid) => log.Warning("Dirty arbiter: HELLO from unknown pid {Pid}; closing it", pid);

    /// <summary>A call ran past <c>dirty_timeout</c>: logged by the arbiter for relayed calls, by the worker for direct ones.</summary>
    public static void CallTimedOut(ILog log, int workerPid) => log.Warning("Dirty call timed out on dirty worker {Pid}", workerPid);

    // A dirty worker.
    public static void WorkerFailed(ILog log, Exception e) => log.Exception(e, "Dirty worker failed");

    public static void CannotReachArbiter(ILog log, int pid, string socket, string error) =>
        log.Error("Dirty worker {Pid} cannot reach the dirty arbiter at {Socket}: {Error}", pid, socket, error);

    public static void AppLoaded(ILog log, int pid, string app) => log.Info("Dirty worker {Pid} loaded {App}", pid, app);

    public static void AppsFailedToLoad(ILog log, Exception e, int pid) => log.Exception(e, "Dirty worker {Pid} failed to load its apps", pid);

    public static void CannotListenForDirectCalls(ILog log, int pid, string error) =>
        log.Warning("Dirty worker {Pid} cannot listen for direct calls: {Error}", pid, error);

    public static void WorkerReady(ILog log, int pid, int age, int threads) =>
        log.Info("Dirty worker {Pid} ready (age {Age}, {Threads} threads)", pid, age, threads);

    public static void AppFailedToClose(ILog log, Exception e, string app) => log.Exception(e, "Dirty app {App} failed to close", app);

    public static void WorkerExiting(ILog log, int pid) => log.Info("Dirty worker {Pid} exiting", pid);

    public static void ArbiterGone(ILog log, int pid) => log.Warning("Dirty worker {Pid}: the dirty arbiter is gone, exiting", pid);

    public static void IgnoringFrame(ILog log, MessageType type) => log.Warning("Dirty worker ignoring a {Type} frame", type);

    public static void ArbiterProtocolError(ILog log, string error) => log.Error("Dirty worker: protocol error from the dirty arbiter: {Error}", error);

    public static void ClientConnectionClosed(ILog log, string error) => log.Error("Dirty worker: closing a client connection: {Error}", error);

    // The master's supervisor of the dirty arbiter.
    public static void ArbiterSpawned(ILog log, int pid) => log.Info("Spawned dirty arbiter (pid: {Pid})", pid);

    public static void ArbiterRestarting(ILog log, int pid, int code) =>
        log.Error("Dirty arbiter (pid: {Pid}) exited with code {Code}; restarting it", pid, code);

    public static void ArbiterKilledAfterGrace(ILog log, int pid) =>
        log.Warning("Dirty arbiter (pid: {Pid}) did not stop in time; killing it", pid);
}
