using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Unicornet.IntegrationTests.Support;

namespace Unicornet.IntegrationTests.Cli;

/// <summary>The files docs/production.md refers to (config-samples/): each is loaded or run where it can be here.</summary>
[Collection("arbiter")]
public sealed partial class ProductionSamplesTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private static readonly string s_samples = Path.Combine(Binaries.RepoRoot, "config-samples");
    private readonly string _dir = Directory.CreateTempSubdirectory("unicornet-samples-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Kubernetes_grace_period_covers_shutdown_delay_and_graceful_timeout_of_the_sample_config()
    {
        CommandResult r = CommandRunner.Run(Binaries.Unicornet, ["-c", Path.Combine(s_samples, "production.conf.csx"), "--print-config"], _dir,
            new Dictionary<string, string?> { ["XDG_CACHE_HOME"] = Path.Combine(_dir, "cache") });
        r.ExitCode.ShouldBe(0, r.Output);
        int delay = Setting(r.StdOut, "shutdown_delay");
        int graceful = Setting(r.StdOut, "graceful_timeout");
        delay.ShouldBeGreaterThan(0, "the sample uses shutdown_delay in place of a preStop sleep");

        string yaml = File.ReadAllText(Path.Combine(s_samples, "kubernetes", "deployment.yaml"));
        int grace = int.Parse(GracePeriod().Match(yaml).Groups[1].Value, CultureInfo.InvariantCulture);
        grace.ShouldBeGreaterThan(delay + graceful, $"terminationGracePeriodSeconds {grace} must outlast shutdown_delay {delay} + graceful_timeout {graceful}");
        yaml.ShouldContain("path: /readyz");
        yaml.ShouldContain("path: /healthz");
        yaml.ShouldNotContain("preStop:");

        string unit = File.ReadAllText(Path.Combine(s_samples, "systemd", "unicornet.service"));
        int stopSec = int.Parse(StopTimeout().Match(unit).Groups[1].Value, CultureInfo.InvariantCulture);
        stopSec.ShouldBeGreaterThan(delay + graceful, "TimeoutStopSec must outlast shutdown_delay + graceful_timeout");
    }

    [Fact]
    public void Systemd_socket_unit_activates_unicornet_through_systemd_socket_activate()
    {
        string? activate = Which("systemd-socket-activate");
        if (activate is null)
        {
            Environment.GetEnvironmentVariable("CI").ShouldNotBe("true", "systemd-socket-activate is required under CI");
            return;
        }

        // The sample's ListenStream, moved to a free port: systemd's own launcher holds the socket and passes it as fd 3.
        string socketUnit = File.ReadAllText(Path.Combine(s_samples, "systemd", "unicornet.socket"));
        ListenStream().IsMatch(socketUnit).ShouldBeTrue();
        using var server = new ServerProcess();
        int port = FreePort();
        server.Customize = psi =>
        {
            List<string> original = [.. psi.ArgumentList];
            psi.FileName = activate;
            psi.ArgumentList.Clear();
            psi.ArgumentList.Add("-l");
            psi.ArgumentList.Add("127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture));
            // It passes on only PATH, HOME and the variables named with -E.
            foreach (string name in psi.Environment.Keys.Where(k => k.StartsWith("UNICORNET_", StringComparison.Ordinal) || k.StartsWith("DOTNET_", StringComparison.Ordinal) || k.StartsWith("XDG_", StringComparison.Ordinal)))
            {
                psi.ArgumentList.Add("-E");
                psi.ArgumentList.Add(name);
            }

            psi.ArgumentList.Add("dotnet");
            original.ForEach(psi.ArgumentList.Add);
        };
        server.Start("-w", "1");

        // The first connection makes systemd-socket-activate start unicornet; it waits in the queue meanwhile.
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 60000 };
        Eventually.Until(
            () =>
            {
                try
                {
                    client.Connect(IPAddress.Loopback, port);
                    return true;
                }
                catch (SocketException)
                {
                    // systemd-socket-activate is not listening yet
                    return false;
                }
            },
            Deadline,
            "systemd-socket-activate to listen");
        client.Send("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"u8);
        var answer = new System.Text.StringBuilder();
        var buffer = new byte[4096];
        int n;
        while ((n = client.Receive(buffer)) > 0)
        {
            answer.Append(System.Text.Encoding.ASCII.GetString(buffer, 0, n));
        }


        // Answered on the passed socket: bind (the -b port ServerProcess adds) is not used.
        answer.ToString().ShouldContain("hello from");
    }

    [Fact]
    public async Task Nginx_sample_proxies_to_unicornet_over_its_keepalive_pool()
    {
        string? nginx = Which("nginx");
        if (nginx is null)
        {
            Environment.GetEnvironmentVariable("CI").ShouldNotBe("true", "nginx is required under CI");
            return;
        }

        using var server = new ServerProcess();
        server.Start("-w", "2", "-k", "async");
        server.WaitServing(2);
        int front = FreePort();
        string conf = File.ReadAllText(Path.Combine(s_samples, "nginx-proxy-pass.conf"))
            .Replace("server 127.0.0.1:8000;", "server 127.0.0.1:" + server.Port.ToString(CultureInfo.InvariantCulture) + ";", StringComparison.Ordinal)
            .Replace("listen 127.0.0.1:8080;", "listen 127.0.0.1:" + front.ToString(CultureInfo.InvariantCulture) + ";", StringComparison.Ordinal)
            .Replace("worker_processes auto;", "worker_processes 1;", StringComparison.Ordinal);
        string path = Path.Combine(_dir, "nginx.conf");
        File.WriteAllText(path, conf);
        Directory.CreateDirectory(Path.Combine(_dir, "logs"));
        string globals = $"daemon off; pid {_dir}/nginx.pid; error_log {_dir}/logs/error.log;";
        using var proxy = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(nginx, ["-p", _dir, "-c", path, "-g", globals]) { UseShellExecute = false, RedirectStandardError = true })!;
        server.Track([proxy.Id]);
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var pids = new HashSet<string>();
            await Eventually.ValueAsync(async () =>
            {
                try
                {
                    return (await http.GetAsync(new Uri($"http://127.0.0.1:{front}/"))).StatusCode;
                }
                catch (HttpRequestException)
                {
                    return HttpStatusCode.BadGateway;
                }
            }, status => status == HttpStatusCode.OK, Deadline);
            for (int i = 0; i < 20; i++)
            {
                pids.Add((await http.GetStringAsync(new Uri($"http://127.0.0.1:{front}/pid"))).Trim());
            }

            pids.ShouldBeSubsetOf(server.WorkerPids().Select(p => p.ToString(CultureInfo.InvariantCulture)));
        }
        finally
        {
            // The master and its worker, while the worker is still the master's child: killing the master alone
            // (SIGKILL) leaves the worker running, reparented out of reach of any cleanup by tree.
            ProcessTree.Kill(proxy);
        }
    }

    private static int Setting(string printed, string name)
    {
        Match m = Regex.Match(printed, $@"(?m)^{name}\s+= (\d+)");
        m.Success.ShouldBeTrue($"{name} in --print-config");
        return int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private static string? Which(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists)
        ?? (File.Exists("/usr/sbin/" + tool) ? "/usr/sbin/" + tool : null);

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"terminationGracePeriodSeconds:\s*(\d+)")]
    private static partial Regex GracePeriod();

    [GeneratedRegex(@"(?m)^TimeoutStopSec=(\d+)")]
    private static partial Regex StopTimeout();

    [GeneratedRegex(@"(?m)^ListenStream=127\.0\.0\.1:\d+$")]
    private static partial Regex ListenStream();
}
