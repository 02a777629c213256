using System.Globalization;

namespace Unicornet.Control.Server;

/// <summary>How the control server listens.</summary>
/// <param name="SocketPath">The absolute socket path (see <see cref="ControlSocketPaths.ForInstance(string?, int)"/>).</param>
public sealed record ControlServerOptions(string SocketPath)
{
    /// <summary>The socket's file mode (<c>control_socket_mode</c>, default 0600).</summary>
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
    /// Options from the resolved settings (<c>control_socket</c>, <c>control_socket_mode</c>,
    /// <c>control_socket_disable</c>); null when the socket is disabled.
    /// </summary>
    public static ControlServerOptions? FromSettings(ISettings settings, int masterPid)
    {
        if (settings["control_socket_disable"] is true)
        {
            return null;
        }

        string? configured = settings["control_socket"] as string;
        int mode = settings["control_socket_mode"] switch
        {
            // Settings hold the mode as a number; a string is an unparsed octal literal ("0600", "0o600").
            string text => Convert.ToInt32(text.Trim().Replace("0o", string.Empty, StringComparison.OrdinalIgnoreCase), 8),
            null => Convert.ToInt32("600", 8),
            object number => Convert.ToInt32(number, CultureInfo.InvariantCulture),
        };
        return new ControlServerOptions(ControlSocketPaths.ForInstance(configured, masterPid))
        {
            Mode = mode,
            MaintainLink = string.IsNullOrWhiteSpace(configured),
        };
    }
}
