using Unicornet.Config.Settings;

namespace Unicornet.Config.Options;

/// <summary>Where and how the master listens.</summary>
public sealed record ListenerOptions
{
    /// <summary>Parsed <c>bind</c> entries.</summary>
    public required IReadOnlyList<BindAddress> Bind { get; init; }

    /// <summary><c>backlog</c>.</summary>
    public required int Backlog { get; init; }

    /// <summary><c>reuse_port</c>.</summary>
    public required bool ReusePort { get; init; }
}
