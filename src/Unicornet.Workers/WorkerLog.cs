namespace Unicornet.Workers;

/// <summary>
/// Everything an HTTP worker process writes to the error log, in one place. The method names are the
/// events' stable names; the rendered texts are what operators and tests grep for ("Booting worker with pid"),
/// so change one only on purpose. Property names are part of the JSON log's fields.
/// </summary>
internal static class WorkerLog
{
    // Start-up and boot.
    public static void HeartbeatFileUnavailable(this ILog log, Exception e, string path) =>
        log.Exception(e, "Cannot open the heartbeat file {Path}", path);

    public static void SignalsUnavailable(this ILog log, string error) =>
        log.Debug("cannot handle signals: {Error}", error);

    public static void BootCrashed(this ILog log, Exception e) =>
        log.Exception(e, "Exception in worker process");

    public static void BootFailed(this ILog log, string error) =>
        log.Error("Worker failed to boot: {Error}", error);

    public static void TlsSetupFailed(this ILog log, Exception e) =>
        log.Exception(e, "Worker failed to boot: cannot set up TLS: {Error}", e.Message);

    public static void UnknownCipher(this ILog log, string name) =>
        log.Warning("ciphers: '{Name}' is not an IANA TLS cipher suite name (TLS_...); ignored", name);

    public static void NoAppModule(this ILog log) =>
        log.Error("No application module specified.");

    // One line for a problem unicornet found, the whole exception when the app threw (AppLoadFailure decides).
    public static void AppLoadFailed(this ILog log, Exception e, string app) =>
        Unicornet.Hosting.AppLoading.AppLoadFailure.Log(log, app, e);

    public static void Booted(this ILog log, int pid, double readyMs) =>
        log.Info("Booting worker with pid: {Pid} (ready {ReadyMs:F0} ms after exec)", pid, readyMs);

    // Start-up cost and private memory are mostly JIT work: this line shows whether the ReadyToRun
    // layout is in use (a few hundred methods) or not (thousands).
    public static void StartupJit(this ILog log, long methods, double jitMs) =>
        log.Debug("Worker start-up JIT: {Methods} methods, {JitMs:F0} ms", methods, jitMs);

    // Requests.
    public static void Autorestarting(this ILog log) =>
        log.Info("Autorestarting worker after current request.");

    public static void RequestEndedEarly(this ILog log, string requestLine, string error) =>
        log.Debug("Request ended early ({RequestLine}): {Error}", requestLine, error);

    public static void RequestFailed(this ILog log, Exception e, string requestLine) =>
        log.Exception(e, "Error handling request {RequestLine}", requestLine);

    // Signals, the master, shutdown.
    public static void ReopeningLogs(this ILog log, int pid) =>
        log.Info("Worker reopening logs (pid: {Pid})", pid);

    public static void Aborted(this ILog log, int pid) =>
        log.Info("Worker aborted (pid: {Pid})", pid);

    public static void ParentChanged(this ILog log, int pid) =>
        log.Info("Parent changed, shutting down: {Pid}", pid);

    public static void ServingLoopFailed(this ILog log, Exception e) =>
        log.Exception(e, "Worker serving loop failed");

    public static void AppShutdownFailed(this ILog log, string error) =>
        log.Debug("App shutdown failed: {Error}", error);

    public static void Exiting(this ILog log, int pid) =>
        log.Info("Worker exiting (pid: {Pid})", pid);
}
