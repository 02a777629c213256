namespace Unicornet;

/// <summary>
/// Base class of a dirty app: long-lived, stateful code (a model, a big lookup table, a connection
/// pool) that runs in dirty worker processes and is called from HTTP workers by action name.
/// </summary>
/// <remarks>
/// <para>
/// An action is any public instance method declared on the subclass whose name does not start with
/// <c>_</c>. Callers pass positional arguments (and optionally named ones), which are converted from
/// the wire values to the method's parameter types; a <see cref="CancellationToken"/> parameter
/// receives a token cancelled when the call times out or the caller gives up.
/// </para>
/// <para>
/// An action may return a value (or a <see cref="Task{TResult}"/> / <see cref="ValueTask{TResult}"/>
/// of one) that the wire format can carry: null, bool, integers, floating point numbers, strings,
/// byte arrays, lists, string-keyed dictionaries, and objects whose public properties are such values.
/// Returning <see cref="IAsyncEnumerable{T}"/>, or declaring the return type as
/// <see cref="IEnumerable{T}"/>, streams the items to the caller one by one.
/// </para>
/// <para>
/// Several calls may run at the same time on one instance when <c>dirty_threads</c> is above 1, so
/// actions must be thread-safe. Mark the class with <see cref="DirtyWorkersAttribute"/> to load it in
/// only some of the dirty workers.
/// </para>
/// </remarks>
public abstract class DirtyApp
{
    private IStash? _stash;
    private ILog? _log;

    /// <summary>
    /// The shared stash (tables in the dirty arbiter), usable from <see cref="InitAsync"/> on.
    /// </summary>
    /// <exception cref="InvalidOperationException">The app is not running inside a dirty worker.</exception>
    public IStash Stash
    {
        get => _stash ?? throw new InvalidOperationException("the stash is only available inside a dirty worker");
        internal set => _stash = value;
    }

    /// <summary>The dirty worker's log.</summary>
    /// <exception cref="InvalidOperationException">The app is not running inside a dirty worker.</exception>
    public ILog Log
    {
        get => _log ?? throw new InvalidOperationException("the log is only available inside a dirty worker");
        internal set => _log = value;
    }

    /// <summary>
    /// Called once in the dirty worker after the instance is created and before any action runs:
    /// load models and build caches here. A throw fails the dirty worker's boot.
    /// </summary>
    /// <param name="cancellationToken">Cancelled when the worker is asked to stop during init.</param>
    public virtual Task InitAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Called once when the dirty worker stops, after in-flight actions finished or were abandoned.</summary>
    public virtual Task CloseAsync() => Task.CompletedTask;
}
