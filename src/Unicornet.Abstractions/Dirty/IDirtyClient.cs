namespace Unicornet;

/// <summary>
/// Calls dirty apps and reaches the stash from an HTTP worker (or a dirty worker). One client holds
/// one connection to the dirty arbiter and multiplexes every call over it, so a single instance is
/// meant to be shared by all threads and requests of a process.
/// </summary>
/// <remarks>
/// The app argument names a <c>dirty_apps</c> entry: the entry itself without its <c>:N</c>
/// suffix (<c>MyModels:MyModels.Classifier</c>), the type's full name, or its short name when unique.
/// Errors arrive as typed exceptions: <see cref="DirtyTimeoutException"/>,
/// <see cref="DirtyAppNotFoundException"/>, <see cref="DirtyActionNotFoundException"/>,
/// <see cref="DirtyNoWorkersAvailableException"/>, <see cref="DirtyAppException"/> (the action threw),
/// <see cref="DirtyWorkerLostException"/> and <see cref="DirtyConnectionException"/>.
/// </remarks>
public interface IDirtyClient : IDisposable, IAsyncDisposable
{
    /// <summary>The shared stash.</summary>
    IStash Stash { get; }

    /// <summary>Runs <paramref name="action"/> of <paramref name="app"/> and returns its result converted to <typeparamref name="T"/>.</summary>
    Task<T?> ExecuteAsync<T>(string app, string action, params object?[] args);

    /// <summary>Runs an action; <paramref name="cancellationToken"/> abandons the call.</summary>
    Task<T?> ExecuteAsync<T>(string app, string action, CancellationToken cancellationToken, params object?[] args);

    /// <summary>Runs an action with per-call options (timeout, cancellation, named arguments).</summary>
    Task<T?> ExecuteAsync<T>(string app, string action, DirtyCallOptions options, params object?[] args);

    /// <summary>
    /// Runs an action and blocks until it answers. For the sync and gthread worker classes; on the async
    /// class it throws <see cref="InvalidOperationException"/> (use <c>ExecuteAsync</c>), because blocking
    /// a socket poll thread could wait for a reply only that thread would deliver.
    /// </summary>
    T? Execute<T>(string app, string action, params object?[] args);

    /// <summary>Runs a streaming action; items arrive as the dirty worker produces them.</summary>
    IAsyncEnumerable<T?> StreamAsync<T>(string app, string action, params object?[] args);

    /// <summary>Runs a streaming action with per-call options (the timeout applies to each item).</summary>
    IAsyncEnumerable<T?> StreamAsync<T>(string app, string action, DirtyCallOptions options, params object?[] args);
}
