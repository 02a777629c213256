namespace Unicornet.Config.Hooks;

/// <summary>The hook names, as constants for callers.</summary>
public static class HookNames
{
    public const string OnStarting = "on_starting";
    public const string OnReload = "on_reload";
    public const string WhenReady = "when_ready";
    public const string PreFork = "pre_fork";
    public const string PostFork = "post_fork";
    public const string PostWorkerInit = "post_worker_init";
    public const string WorkerInt = "worker_int";
    public const string WorkerAbort = "worker_abort";
    public const string PreExec = "pre_exec";
    public const string PreRequest = "pre_request";
    public const string PostRequest = "post_request";
    public const string ChildExit = "child_exit";
    public const string WorkerExit = "worker_exit";
    public const string NworkersChanged = "nworkers_changed";
    public const string OnExit = "on_exit";
    public const string SslContext = "ssl_context";
    public const string OnDirtyStarting = "on_dirty_starting";
    public const string DirtyPostFork = "dirty_post_fork";
    public const string DirtyWorkerInit = "dirty_worker_init";
    public const string DirtyWorkerExit = "dirty_worker_exit";
}
