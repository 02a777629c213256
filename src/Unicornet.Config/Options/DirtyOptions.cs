namespace Unicornet.Config.Options;

/// <summary>The dirty pool.</summary>
public sealed record DirtyOptions
{
    /// <summary><c>dirty_apps</c> as written (<c>Assembly:Type</c> or <c>Assembly:Type:N</c>).</summary>
    public required IReadOnlyList<string> Apps { get; init; }

    /// <summary><c>dirty_workers</c>.</summary>
    public required int Workers { get; init; }

    /// <summary><c>dirty_timeout</c> in seconds (0 = no limit).</summary>
    public required int Timeout { get; init; }

    /// <summary><c>dirty_threads</c>.</summary>
    public required int Threads { get; init; }

    /// <summary><c>dirty_graceful_timeout</c> in seconds.</summary>
    public required int GracefulTimeout { get; init; }

    /// <summary>True when the dirty arbiter runs: dirty workers above 0 and at least one dirty app.</summary>
    public bool Enabled => Workers > 0 && Apps.Count > 0;
}
