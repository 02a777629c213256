using System.Globalization;

namespace Unicornet.Logging.Syslog;

/// <summary>How syslog lines travel.</summary>
public enum SyslogTransport
{
    /// <summary>UDP datagrams.</summary>
    Udp,

    /// <summary>A TCP stream, one line per message.</summary>
    Tcp,

    /// <summary>A Unix datagram socket (/dev/log).</summary>
    UnixDatagram,

    /// <summary>A Unix stream socket.</summary>
    UnixStream,
}

/// <summary>A parsed <c>syslog_addr</c>: <c>unix://PATH[#dgram|#stream]</c>, <c>udp://HOST:PORT</c> or <c>tcp://HOST:PORT</c>.</summary>
public sealed record SyslogAddress(SyslogTransport Transport, string HostOrPath, int Port)
{
    /// <summary>Parses <paramref name="text"/>; throws <see cref="FormatException"/> with the reason.</summary>
    public static SyslogAddress Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.StartsWith("unix://", StringComparison.Ordinal))
        {
            string rest = text[7..];
            SyslogTransport transport = SyslogTransport.UnixDatagram;
            int hash = rest.IndexOf('#', StringComparison.Ordinal);
            if (hash >= 0)
            {
                transport = rest[(hash + 1)..] switch
                {
                    "dgram" => SyslogTransport.UnixDatagram,
                    "stream" => SyslogTransport.UnixStream,
                    string other => throw new FormatException($"'{other}' is not dgram or stream"),
                };
                rest = rest[..hash];
            }

            return rest.Length == 0 ? throw new FormatException("unix:// needs a path") : new SyslogAddress(transport, rest, 0);
        }

        SyslogTransport net = text.StartsWith("udp://", StringComparison.Ordinal) ? SyslogTransport.Udp
            : text.StartsWith("tcp://", StringComparison.Ordinal) ? SyslogTransport.Tcp
            : throw new FormatException($"'{text}' must start with unix://, udp:// or tcp://");
        string hostPort = text[6..];
        int colon = hostPort.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(hostPort.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > 65535)
        {
            return new SyslogAddress(net, colon <= 0 ? hostPort : hostPort[..colon], 514);
        }

        return new SyslogAddress(net, hostPort[..colon].Trim('[', ']'), port);
    }
}
