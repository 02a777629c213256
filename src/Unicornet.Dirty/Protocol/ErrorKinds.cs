namespace Unicornet.Dirty.Protocol;

/// <summary>The <c>kind</c> strings of ERROR payloads; each maps to one exception type on the client.</summary>
internal static class ErrorKinds
{
    public const string AppNotFound = "app_not_found";
    public const string ActionNotFound = "action_not_found";
    public const string NoWorkers = "no_workers";
    public const string Timeout = "timeout";
    public const string AppError = "app_error";
    public const string WorkerLost = "worker_lost";
    public const string StashKeyNotFound = "stash_key_not_found";
    public const string StashError = "stash_error";
    public const string Protocol = "protocol";
}
