using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Unicornet.IntegrationTests.Metrics;

/// <summary>Talks to a master's <c>metrics_bind</c> listener over a raw socket and reads figures out of the exposition.</summary>
internal sealed class MetricsClient
{
    public MetricsClient()
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Port = ((IPEndPoint)s.LocalEndPoint!).Port;
    }

    public int Port { get; }

    public string Address => "127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture);

    /// <summary>GET <paramref name="path"/>; status 0 when nothing answers.</summary>
    public (int Status, string ContentType, string Body) Get(string path, string? accept = null)
    {
        try
        {
            using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 10000, SendTimeout = 10000 };
            s.Connect(IPAddress.Loopback, Port);
            s.Send(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: t\r\n" + (accept is null ? "" : $"Accept: {accept}\r\n") + "\r\n"));
            var all = new MemoryStream();
            byte[] buffer = new byte[16384];
            int n;
            while ((n = s.Receive(buffer)) > 0)
            {
                all.Write(buffer, 0, n);
            }

            string text = Encoding.UTF8.GetString(all.ToArray());
            int end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end < 0)
            {
                return (0, "", "");
            }

            Match type = Regex.Match(text[..end], @"(?im)^content-type:\s*(.+?)\s*$");
            return (int.Parse(text.AsSpan(9, 3), CultureInfo.InvariantCulture), type.Groups[1].Value, text[(end + 4)..]);
        }
        catch (SocketException)
        {
            return (0, "", "");
        }
    }

    public string Scrape()
    {
        (int status, _, string body) = Get("/metrics");
        status.ShouldBe(200, body);
        return body;
    }

    /// <summary>The sum of every sample of <paramref name="name"/> whose labels contain <paramref name="labels"/> (e.g. <c>reason="crash"</c>).</summary>
    public static double Sum(string exposition, string name, string? labels = null)
    {
        double total = 0;
        foreach (Match m in Regex.Matches(exposition, "(?m)^" + Regex.Escape(name) + @"(\{[^}]*\})? (\S+)$"))
        {
            if (labels is null || m.Groups[1].Value.Contains(labels, StringComparison.Ordinal))
            {
                total += double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            }
        }

        return total;
    }

    /// <summary>How many samples of <paramref name="name"/> there are.</summary>
    public static int Count(string exposition, string name) => Regex.Count(exposition, "(?m)^" + Regex.Escape(name) + @"(\{[^}]*\})? \S+$");
}
