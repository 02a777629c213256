using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Unicornet.Logging.Metrics;

/// <summary>
/// A fire-and-forget StatsD client (<c>statsd_host</c>): UDP to HOST:PORT or a Unix datagram socket,
/// with <c>statsd_prefix</c> and DogStatsD tags (<c>dogstatsd_tags</c>). Zero values are sent.
/// </summary>
public sealed class StatsdClient : IDisposable
{
    private readonly Socket _socket;
    private readonly string _prefix;
    private readonly string _tags;

    /// <summary>Creates a client; <paramref name="host"/> is <c>HOST:PORT</c> (port 8125 by default) or <c>unix://PATH</c>.</summary>
    public StatsdClient(string host, string? prefix, string? dogstatsdTags)
    {
        ArgumentNullException.ThrowIfNull(host);
        _prefix = string.IsNullOrEmpty(prefix) ? "" : prefix.EndsWith('.') ? prefix : prefix + ".";
        _tags = string.IsNullOrEmpty(dogstatsdTags) ? "" : "|#" + dogstatsdTags;
        if (host.StartsWith("unix://", StringComparison.Ordinal))
        {
            _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            _socket.Connect(new UnixDomainSocketEndPoint(host[7..]));
        }
        else
        {
            int colon = host.LastIndexOf(':');
            string name = colon > 0 ? host[..colon] : host;
            int port = colon > 0 ? int.Parse(host[(colon + 1)..], CultureInfo.InvariantCulture) : 8125;
            _socket = new Socket(SocketType.Dgram, ProtocolType.Udp);
            _socket.Connect(name, port);
        }
    }

    /// <summary>Adds to a counter.</summary>
    public void Increment(string name, long value = 1) => Send(name, value.ToString(CultureInfo.InvariantCulture), "c");

    /// <summary>Sets a gauge.</summary>
    public void Gauge(string name, double value) => Send(name, value.ToString(CultureInfo.InvariantCulture), "g");

    /// <summary>Records a timing in milliseconds.</summary>
    public void Timing(string name, double milliseconds) => Send(name, milliseconds.ToString("0.###", CultureInfo.InvariantCulture), "ms");

    /// <summary>Records a histogram sample.</summary>
    public void Histogram(string name, double value) => Send(name, value.ToString(CultureInfo.InvariantCulture), "h");

    /// <inheritdoc />
    public void Dispose() => _socket.Dispose();

    private void Send(string name, string value, string type)
    {
        try
        {
            _socket.Send(Encoding.ASCII.GetBytes(_prefix + name + ":" + value + "|" + type + _tags));
        }
        catch (SocketException)
        {
            // Metrics are best effort: a missing collector must not fail a request.
        }
    }
}
