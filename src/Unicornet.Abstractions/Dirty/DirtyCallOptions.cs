namespace Unicornet;

/// <summary>Per-call options for <see cref="IDirtyClient"/>.</summary>
public sealed record DirtyCallOptions
{
    /// <summary>
    /// How long the caller waits for the answer (for a stream: for each item). Null uses the client's
    /// default. When it elapses the call fails with <see cref="DirtyTimeoutException"/>.
    /// </summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Cancels the call; the caller then gets <see cref="OperationCanceledException"/>.</summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>Arguments passed by parameter name, in addition to the positional ones.</summary>
    public IReadOnlyDictionary<string, object?>? NamedArguments { get; init; }
}
