using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Unicornet.Logging.Syslog;

/// <summary>
/// Sends BSD-style syslog lines (<c>&lt;PRI&gt;PROGRAM[PID]: message</c>) to a syslog daemon. A send
/// that fails is dropped: logging must never take the server down.
/// </summary>
public sealed class SyslogWriter : IDisposable
{
    private static readonly Dictionary<string, int> s_facilities = new(StringComparer.OrdinalIgnoreCase)
    {
        ["kern"] = 0, ["user"] = 1, ["mail"] = 2, ["daemon"] = 3, ["auth"] = 4, ["syslog"] = 5, ["lpr"] = 6, ["news"] = 7,
        ["uucp"] = 8, ["cron"] = 9, ["authpriv"] = 10, ["ftp"] = 11,
        ["local0"] = 16, ["local1"] = 17, ["local2"] = 18, ["local3"] = 19, ["local4"] = 20, ["local5"] = 21, ["local6"] = 22, ["local7"] = 23,
    };

    private readonly object _gate = new();
    private readonly SyslogAddress _address;
    private readonly int _facility;
    private readonly string _tag;
    private Socket? _socket;

    /// <summary>Creates a writer for <paramref name="address"/>; <paramref name="prefix"/> makes the program name <c>unicornet.PREFIX</c>.</summary>
    public SyslogWriter(SyslogAddress address, string facility, string? prefix)
    {
        _address = address;
        _facility = s_facilities.TryGetValue(facility, out int f) ? f : throw new FormatException($"unknown syslog facility '{facility}'");
        _tag = (prefix is null ? "unicornet" : "unicornet." + prefix) + "[" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "]: ";
    }

    /// <summary>Severity numbers from RFC 5424.</summary>
    public enum Severity
    {
        /// <summary>critical.</summary>
        Critical = 2,

        /// <summary>error.</summary>
        Error = 3,

        /// <summary>warning.</summary>
        Warning = 4,

        /// <summary>info.</summary>
        Info = 6,

        /// <summary>debug.</summary>
        Debug = 7,
    }

    /// <summary>Sends one message.</summary>
    public void Write(Severity severity, string message)
    {
        string line = "<" + ((_facility * 8) + (int)severity).ToString(CultureInfo.InvariantCulture) + ">" + _tag + message;
        byte[] bytes = Encoding.UTF8.GetBytes(_address.Transport is SyslogTransport.Tcp or SyslogTransport.UnixStream ? line + "\n" : line);
        lock (_gate)
        {
            try
            {
                _socket ??= Connect();
                _socket.Send(bytes);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                _socket?.Dispose();
                _socket = null;
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _socket?.Dispose();
            _socket = null;
        }
    }

    private Socket Connect()
    {
        Socket socket;
        switch (_address.Transport)
        {
            case SyslogTransport.UnixDatagram:
            case SyslogTransport.UnixStream:
                socket = new Socket(AddressFamily.Unix, _address.Transport == SyslogTransport.UnixDatagram ? SocketType.Dgram : SocketType.Stream, ProtocolType.Unspecified);
                socket.Connect(new UnixDomainSocketEndPoint(_address.HostOrPath));
                return socket;
            case SyslogTransport.Udp:
                socket = new Socket(SocketType.Dgram, ProtocolType.Udp);
                socket.Connect(_address.HostOrPath, _address.Port);
                return socket;
            default:
                socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                socket.Connect(_address.HostOrPath, _address.Port);
                return socket;
        }
    }
}
