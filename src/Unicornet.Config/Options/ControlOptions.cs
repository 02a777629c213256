namespace Unicornet.Config.Options;

/// <summary>The control socket.</summary>
public sealed record ControlOptions
{
    /// <summary><c>control_socket_disable</c>.</summary>
    public required bool Disabled { get; init; }

    /// <summary><c>control_socket</c>, null (or blank) for the per-instance default path.</summary>
    public required string? SocketPath { get; init; }

    /// <summary><c>control_socket_mode</c>.</summary>
    public required int Mode { get; init; }
}
