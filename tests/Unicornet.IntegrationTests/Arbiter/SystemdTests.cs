using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Unicornet.IntegrationTests.Support;
using Unicornet.Platform;

namespace Unicornet.IntegrationTests.Arbiter;

/// <summary>sd_notify messages and socket activation, with the test standing in for systemd.</summary>
[Collection("arbiter")]
public sealed class SystemdTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public void Notify_socket_gets_ready_reloading_and_stopping()
    {
        using var server = new ServerProcess();
        string path = Path.Combine(server.Dir, "notify.sock");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(path));
        notify.ReceiveTimeout = 1000;
        var received = new List<string>();

        server.Customize = psi => psi.Environment["NOTIFY_SOCKET"] = path;
        server.Start("-w", "1");
        WaitMessage(notify, received, "READY=1");
        received.ShouldContain(m => m.Contains("MAINPID=" + server.Pid.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
        server.WaitServing(1);

        // The variable is the master's alone: a worker must not answer systemd in its name.
        File.ReadAllText($"/proc/{server.WorkerPids()[0]}/environ").ShouldNotContain("NOTIFY_SOCKET=");

        received.Clear();
        server.Signal(Signals.SIGHUP);
        WaitMessage(notify, received, "RELOADING=1");
        received.First(m => m.StartsWith("RELOADING=1", StringComparison.Ordinal)).ShouldContain("MONOTONIC_USEC=");
        WaitMessage(notify, received, "READY=1");

        server.Signal(Signals.SIGTERM);
        WaitMessage(notify, received, "STOPPING=1");
        server.WaitExit(Deadline).ShouldBe(0);
    }

    [Fact]
    public void Socket_activation_serves_the_passed_socket_instead_of_binding()
    {
        using var activated = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        activated.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        activated.Listen(16);
        int fd = (int)activated.SafeHandle.DangerousGetHandle();
        int port = ((IPEndPoint)activated.LocalEndPoint!).Port;

        using var server = new ServerProcess();

        // systemd's contract: the sockets start at fd 3 and LISTEN_PID names the process itself,
        // which only a wrapper that execs in place can know (bash, because dash takes single-digit fds only).
        server.RunThroughBash($"exec 3<&{fd.ToString(CultureInfo.InvariantCulture)}; export LISTEN_PID=$$ LISTEN_FDS=1");
        FileDescriptors.MakeInheritable(fd);
        try
        {
            server.Start("-w", "1");
        }
        finally
        {
            FileDescriptors.SetCloseOnExec(fd, true);
        }

        server.WaitFor(() => server.WorkerPids().Count == 1 && ServerProcess.RawGet(new IPEndPoint(IPAddress.Loopback, port)).Contains("hello from", StringComparison.Ordinal), Deadline, "a worker serving the activated socket");

        // bind is not used when systemd passes sockets.
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        Should.Throw<SocketException>(() => probe.Connect(new IPEndPoint(IPAddress.Loopback, server.Port)));
    }

    private static void WaitMessage(Socket notify, List<string> received, string prefix)
    {
        var buffer = new byte[4096];
        DateTime end = DateTime.UtcNow + Deadline;
        while (!received.Any(m => m.StartsWith(prefix, StringComparison.Ordinal)))
        {
            DateTime.UtcNow.ShouldBeLessThan(end, $"no {prefix} from the master; got: {string.Join(" | ", received)}");
            try
            {
                int n = notify.Receive(buffer);
                received.Add(Encoding.UTF8.GetString(buffer, 0, n));
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
            {
            }
        }
    }
}
