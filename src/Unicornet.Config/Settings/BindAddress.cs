using System.Globalization;
using System.Net;

namespace Unicornet.Config.Settings;

/// <summary>The kind of listener a <c>bind</c> entry names.</summary>
public enum BindKind
{
    /// <summary>A TCP host and port.</summary>
    Tcp,

    /// <summary>A Unix domain socket path.</summary>
    Unix,

    /// <summary>An already-open file descriptor (<c>fd://N</c>).</summary>
    FileDescriptor,
}

/// <summary>One parsed <c>bind</c> entry: <c>HOST</c>, <c>HOST:PORT</c>, <c>[v6]:PORT</c>, <c>unix:PATH</c> or <c>fd://N</c>.</summary>
public sealed record BindAddress(BindKind Kind, string Host, int Port, string? Path, int Fd)
{
    /// <summary>gunicorn's port when a bind has only a host.</summary>
    public const int DefaultPort = 8000;

    /// <summary>Parses one entry; throws <see cref="SettingValueException"/> with a reason when it is malformed.</summary>
    public static BindAddress Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string s = text.Trim();
        if (s.Length == 0)
        {
            throw new SettingValueException("empty address");
        }

        if (s.StartsWith("unix:", StringComparison.Ordinal))
        {
            string path = s.StartsWith("unix://", StringComparison.Ordinal) ? s[7..] : s[5..];
            if (path.Length == 0)
            {
                throw new SettingValueException($"'{text}' has no socket path");
            }

            return new BindAddress(BindKind.Unix, "", 0, path, -1);
        }

        if (s.StartsWith("fd://", StringComparison.Ordinal))
        {
            if (!int.TryParse(s.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out int fd) || fd < 0)
            {
                throw new SettingValueException($"'{text}' is not a valid file descriptor");
            }

            return new BindAddress(BindKind.FileDescriptor, "", 0, null, fd);
        }

        string host;
        string? portText = null;
        if (s.StartsWith('['))
        {
            int close = s.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw new SettingValueException($"'{text}' has an unterminated IPv6 bracket");
            }

            host = s[1..close];
            string rest = s[(close + 1)..];
            if (rest.Length > 0)
            {
                if (rest[0] != ':')
                {
                    throw new SettingValueException($"'{text}': expected ':PORT' after ']'");
                }

                portText = rest[1..];
            }

            if (!IPAddress.TryParse(host, out IPAddress? v6) || v6.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            {
                throw new SettingValueException($"'{host}' is not an IPv6 address");
            }
        }
        else
        {
            int colon = s.LastIndexOf(':');
            if (colon >= 0 && s.IndexOf(':', StringComparison.Ordinal) != colon)
            {
                throw new SettingValueException($"'{text}': put IPv6 addresses in brackets, as [::1]:8000");
            }

            if (colon >= 0)
            {
                host = s[..colon];
                portText = s[(colon + 1)..];
            }
            else
            {
                host = s;
            }

            if (host.Length == 0)
            {
                throw new SettingValueException($"'{text}' has no host");
            }

            foreach (char c in host)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
                {
                    throw new SettingValueException($"'{text}' has an invalid host name");
                }
            }
        }

        int port = DefaultPort;
        if (portText is not null)
        {
            if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535)
            {
                throw new SettingValueException($"'{text}' has an invalid port '{portText}'");
            }
        }

        return new BindAddress(BindKind.Tcp, host, port, null, -1);
    }

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        BindKind.Unix => "unix:" + Path,
        BindKind.FileDescriptor => "fd://" + Fd.ToString(CultureInfo.InvariantCulture),
        _ when Host.Contains(':', StringComparison.Ordinal) => $"[{Host}]:{Port.ToString(CultureInfo.InvariantCulture)}",
        _ => $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}",
    };
}
