namespace Unicornet.Control.Server;

/// <summary>How the control server listens.</summary>
/// <param name="SocketPath">The absolute socket path (see <see cref="ControlSocketPaths.ForInstance(string?, int)"/>).</param>
public sealed record ControlServerOptions(string SocketPath)
{
    /// <summary>The socket's file mode (<c>control_socket_mode</c>; 0600 when not given).</summary>
    public int Mode { get; init; } = Convert.ToInt32("600", 8);

    /// <summary>Point <c>unicornet.ctl</c> in the socket's directory at this socket while it runs (default paths only).</summary>
    public bool MaintainLink { get; init; }

    /// <summary>Clients that send nothing for this long are disconnected (300 s).</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>How long a command may wait for the master before it fails.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Connections served at once; more are closed straight away.</summary>
    public int MaxConnections { get; init; } = 32;

    /// <summary>
    /// Options for the settings <c>control_socket</c> (<paramref name="configured"/>, blank for the
    /// per-instance default) and <c>control_socket_mode</c> (<paramref name="mode"/>).
    /// </summary>
    public static ControlServerOptions ForInstance(string? configured, int mode, int masterPid) =>
        new(ControlSocketPaths.ForInstance(configured, masterPid))
        {
            Mode = mode,
            MaintainLink = string.IsNullOrWhiteSpace(configured),
        };
}
