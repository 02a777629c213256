using System.Net;
using System.Net.Sockets;
using System.Text;
using Unicornet.Logging;
using Unicornet.Logging.Metrics;
using Unicornet.Logging.Syslog;

namespace Unicornet.Config.Tests.Logging;

public sealed class LoggingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("unicornet-log-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Receive(Socket udp)
    {
        udp.ReceiveTimeout = 5000;
        byte[] buffer = new byte[4096];
        int n = udp.Receive(buffer);
        return Encoding.UTF8.GetString(buffer, 0, n);
    }

    private static Socket UdpListener(out int port)
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        port = ((IPEndPoint)s.LocalEndPoint!).Port;
        return s;
    }

    [Fact]
    public void Error_log_lines_have_gunicorns_format()
    {
        string file = Path.Combine(_dir, "error.log");
        using (var log = new UnicornetLog(new LogOptions(file, "info")))
        {
            log.Info("Listening at: {Url}", "http://127.0.0.1:8000");
            log.Debug("not shown");
        }

        string text = File.ReadAllText(file);
        text.ShouldMatch($@"^\[\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{{4}}\] \[{Environment.ProcessId}\] \[INFO\] Listening at: http://127.0.0.1:8000\n$");
    }

    [Fact]
    public void Json_error_log_has_typed_fields()
    {
        string file = Path.Combine(_dir, "error.json");
        using (var log = new UnicornetLog(new LogOptions(file, "debug", Json: true, Role: "worker")))
        {
            log.Warning("Worker {Pid} took {Ms} ms", 42, 12.5);
        }

        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(file));
        doc.RootElement.GetProperty("level").GetString().ShouldBe("warning");
        doc.RootElement.GetProperty("role").GetString().ShouldBe("worker");
        doc.RootElement.GetProperty("Pid").GetInt64().ShouldBe(42);
        doc.RootElement.GetProperty("Ms").GetDouble().ShouldBe(12.5);
        doc.RootElement.GetProperty("message").GetString().ShouldBe("Worker 42 took 12.5 ms");
    }

    [Fact]
    public void Reopen_lets_a_rotated_file_be_recreated()
    {
        string file = Path.Combine(_dir, "rotate.log");
        using var log = new UnicornetLog(new LogOptions(file, "info"));
        log.Info("before");
        File.Move(file, file + ".1");
        log.Reopen();
        log.Info("after");
        File.ReadAllText(file).ShouldContain("after");
        File.ReadAllText(file + ".1").ShouldContain("before");
    }

    [Fact]
    public void Syslog_receives_lines_with_priority_and_program()
    {
        using Socket udp = UdpListener(out int port);
        using var log = new UnicornetLog(new LogOptions(Path.Combine(_dir, "e.log"), "info") { Syslog = true, SyslogAddress = $"udp://127.0.0.1:{port}", SyslogFacility = "local3", SyslogPrefix = "api" });
        log.Error("disk full");
        // local3 = 19, error = 3: 19 * 8 + 3 = 155
        Receive(udp).ShouldBe($"<155>unicornet.api[{Environment.ProcessId}]: disk full");
    }

    [Theory]
    [InlineData("udp://logs:5140", SyslogTransport.Udp, "logs", 5140)]
    [InlineData("tcp://10.0.0.1:601", SyslogTransport.Tcp, "10.0.0.1", 601)]
    [InlineData("unix:///dev/log", SyslogTransport.UnixDatagram, "/dev/log", 0)]
    [InlineData("unix:///run/syslog#stream", SyslogTransport.UnixStream, "/run/syslog", 0)]
    public void Syslog_addresses_parse(string text, SyslogTransport transport, string host, int port)
    {
        SyslogAddress.Parse(text).ShouldBe(new SyslogAddress(transport, host, port));
    }

    [Fact]
    public void Statsd_sends_prefixed_metrics_with_dogstatsd_tags()
    {
        using Socket udp = UdpListener(out int port);
        using var statsd = new StatsdClient($"127.0.0.1:{port}", "myapp", "env:prod,team:web");
        statsd.Increment("unicornet.requests");
        Receive(udp).ShouldBe("myapp.unicornet.requests:1|c|#env:prod,team:web");
        statsd.Timing("unicornet.request.duration", 12.25);
        Receive(udp).ShouldBe("myapp.unicornet.request.duration:12.25|ms|#env:prod,team:web");
        statsd.Gauge("unicornet.workers", 0);
        Receive(udp).ShouldBe("myapp.unicornet.workers:0|g|#env:prod,team:web");
    }

    [Fact]
    public void Error_log_events_are_counted_as_metrics()
    {
        using Socket udp = UdpListener(out int port);
        using var statsd = new StatsdClient($"127.0.0.1:{port}", null, null);
        using var log = new UnicornetLog(new LogOptions(Path.Combine(_dir, "m.log"), "info") { Statsd = statsd });
        log.Error("x");
        Receive(udp).ShouldBe("unicornet.log.error:1|c");
    }

    [Fact]
    public void Backlog_probe_sees_queued_connections()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(16);
        var probe = new BacklogProbe([(int)listener.Handle]);
        probe.Read().ShouldBe(0);
        using var c1 = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var c2 = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        c1.Connect(listener.LocalEndPoint!);
        c2.Connect(listener.LocalEndPoint!);
        Eventually.Poll(() => probe.Read() >= 2, TimeSpan.FromSeconds(5));
        probe.Read().ShouldBe(2);
    }
}
