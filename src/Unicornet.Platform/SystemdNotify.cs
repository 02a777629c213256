using System.Net.Sockets;
using System.Text;

namespace Unicornet.Platform;

/// <summary>
/// sd_notify(3) without libsystemd: one datagram to the Unix socket named by NOTIFY_SOCKET
/// (a leading <c>@</c> means the abstract namespace). Does nothing outside systemd.
/// </summary>
public static class SystemdNotify
{
    /// <summary>True when NOTIFY_SOCKET is set.</summary>
    public static bool Enabled => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NOTIFY_SOCKET"));

    /// <summary>Sends <paramref name="state"/> (for example <c>READY=1\nSTATUS=serving</c>); false when it could not.</summary>
    public static bool Send(string state)
    {
        string? path = Environment.GetEnvironmentVariable("NOTIFY_SOCKET");
        if (string.IsNullOrEmpty(path))
        {
            return false;
        }

        if (path[0] == '@')
        {
            path = "\0" + path[1..];
        }

        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            socket.SendTo(Encoding.UTF8.GetBytes(state), new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
