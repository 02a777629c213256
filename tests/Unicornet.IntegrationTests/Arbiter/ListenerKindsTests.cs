using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Unicornet.IntegrationTests.Support;
using Unicornet.Platform;

namespace Unicornet.IntegrationTests.Arbiter;

/// <summary>Unix-socket, IPv6 and <c>fd://</c> binds served by real workers beside the TCP bind.</summary>
[Collection("arbiter")]
public sealed class ListenerKindsTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public void Unix_socket_bind_serves_and_is_removed_at_shutdown()
    {
        using var server = new ServerProcess();
        string sock = Path.Combine(server.Dir, "u.sock");
        server.Start("-w", "1", "-b", "unix:" + sock);
        server.WaitServing(1);
        Get(new UnixDomainSocketEndPoint(sock)).ShouldContain("hello from");

        server.Signal(Signals.SIGTERM);
        server.WaitExit(Deadline).ShouldBe(0);
        File.Exists(sock).ShouldBeFalse();
    }

    [Fact]
    public void A_second_server_cannot_take_a_port_already_served()
    {
        // .NET's ReuseAddress option also sets SO_REUSEPORT on Linux; with it a second server bound the
        // same port and quietly took part of the first one's connections instead of failing.
        using var first = new ServerProcess();
        first.Start("-w", "1");
        first.WaitServing(1);

        using var second = new ServerProcess();
        string taken = "127.0.0.1:" + first.Port.ToString(CultureInfo.InvariantCulture);
        second.Start("-w", "1", "-b", taken);
        second.WaitExit(Deadline).ShouldNotBe(0);
        second.Output.ShouldContain("Connection in use: " + taken);
        second.Output.ShouldContain("Can't connect to " + taken);
        first.TryGet("/", out _).ShouldBe(200);
    }

    [Fact]
    public void Ipv6_loopback_bind_serves()
    {
        // The machine must have ::1; a host without it is reported rather than silently passed.
        using (var probe = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
        }

        using var server = new ServerProcess();
        int port6 = FreePort(AddressFamily.InterNetworkV6);
        server.Start("-w", "1", "-b", "[::1]:" + port6.ToString(CultureInfo.InvariantCulture));
        server.WaitServing(1);
        Get(new IPEndPoint(IPAddress.IPv6Loopback, port6)).ShouldContain("hello from");
    }

    [Fact]
    public void Fd_bind_serves_a_socket_opened_by_the_parent()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(16);
        int fd = (int)listener.SafeHandle.DangerousGetHandle();
        int port = ((IPEndPoint)listener.LocalEndPoint!).Port;

        using var server = new ServerProcess();
        FileDescriptors.MakeInheritable(fd);
        try
        {
            server.Start("-w", "1", "-b", "fd://" + fd.ToString(CultureInfo.InvariantCulture));
        }
        finally
        {
            // Only the server should inherit it, not whatever another test starts next.
            FileDescriptors.SetCloseOnExec(fd, true);
        }

        server.WaitServing(1);
        Get(new IPEndPoint(IPAddress.Loopback, port)).ShouldContain("hello from");
    }

    [Fact]
    public void User_group_and_umask_apply_to_the_workers()
    {
        using var server = new ServerProcess();

        // The worker loads assemblies after it switched to nobody, who may not be able to enter the clone.
        server.UseWorldReadableCopy();
        server.Start("-w", "1", "-u", "nobody", "-g", "nogroup", "-m", "027");
        if (ProcessInfo.EffectiveUid != 0)
        {
            // Only root may switch: the worker says so and the master stops with "worker failed to boot".
            server.WaitExit(Deadline).ShouldBe(3);
            server.Output.ShouldContain("EPERM, only root can switch users");
            return;
        }

        server.WaitServing(1);
        string status = File.ReadAllText($"/proc/{server.WorkerPids()[0]}/status");
        status.ShouldContain("Uid:\t65534\t65534\t65534\t65534");
        status.ShouldContain("Gid:\t65534\t65534\t65534\t65534");
        status.ShouldContain("Umask:\t0027");
    }

    private static string Get(EndPoint endPoint)
    {
        string text = ServerProcess.RawGet(endPoint);
        text.ShouldStartWith("HTTP/1.1 200");
        return text;
    }

    private static int FreePort(AddressFamily family)
    {
        using var s = new Socket(family, SocketType.Stream, ProtocolType.Tcp);
        s.Bind(new IPEndPoint(family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Loopback : IPAddress.Loopback, 0));
        return ((IPEndPoint)s.LocalEndPoint!).Port;
    }
}
