using System.Net.Sockets;
using Unicornet.Control.Client;
using Unicornet.Control.Protocol;
using Unicornet.Control.Server;
using Unicornet.Platform;

namespace Unicornet.Control.Tests;

/// <summary>The socket file: mode, directory, per-instance default paths, the link, stale and live sockets.</summary>
public sealed class SocketFileTests
{
    private const UnixFileMode Mode0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Mode0700 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    // Sockets whose fd was closed by hand so .NET cannot unlink their file: kept alive so no finalizer touches them.
    private static readonly List<Socket> s_abandoned = new();

    private static UnixFileMode ModeOf(string path) =>
        OperatingSystem.IsWindows() ? throw new PlatformNotSupportedException() : File.GetUnixFileMode(path);

    private static async Task<bool> AnswersAsync(string path)
    {
        await using ControlClient client = await ControlClient.ConnectAsync(path, TimeSpan.FromSeconds(5));
        return (await client.SendAsync("help")).IsOk;
    }

    /// <summary>Leaves a socket file behind with nobody listening, as a crashed master would.</summary>
    private static void CreateStaleSocket(string path)
    {
        Socket socket = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        socket.Listen(1);
        FileDescriptors.Close((int)socket.Handle);
        socket.SafeHandle.SetHandleAsInvalid();
        lock (s_abandoned)
        {
            s_abandoned.Add(socket);
        }

        File.Exists(path).ShouldBeTrue();
    }

    [Fact]
    public async Task Socket_file_has_mode_0600_and_is_removed_at_stop()
    {
        using TempDir dir = new();
        string path = dir.File("m.ctl");
        TestServer server = new(new ControlServerOptions(path));
        ModeOf(path).ShouldBe(Mode0600);
        (await AnswersAsync(path)).ShouldBeTrue();

        await server.DisposeAsync();
        File.Exists(path).ShouldBeFalse();
    }

    [Fact]
    public async Task Configured_mode_is_applied()
    {
        using TempDir dir = new();
        string path = dir.File("g.ctl");
        await using TestServer server = new(new ControlServerOptions(path) { Mode = Convert.ToInt32("660", 8) });
        ModeOf(path).ShouldBe(Mode0600 | UnixFileMode.GroupRead | UnixFileMode.GroupWrite);
    }

    [Fact]
    public async Task Missing_parent_directory_is_created_0700()
    {
        using TempDir dir = new();
        string parent = dir.File("nested");
        await using TestServer server = new(new ControlServerOptions(Path.Combine(parent, "x.ctl")));
        Directory.Exists(parent).ShouldBeTrue();
        ModeOf(parent).ShouldBe(Mode0700);
    }

    [Fact]
    public async Task Two_instances_with_default_paths_in_one_directory_do_not_collide()
    {
        using TempDir dir = new();
        string first = ControlSocketPaths.ForInstance(null, 1001, dir.Path);
        string second = ControlSocketPaths.ForInstance(null, 1002, dir.Path);
        first.ShouldNotBe(second);
        string link = dir.File(ControlSocketPaths.LinkName);

        TestServer a = new(new ControlServerOptions(first) { MaintainLink = true });
        try
        {
            new FileInfo(link).LinkTarget.ShouldBe("1001.ctl");
            await using (TestServer b = new(new ControlServerOptions(second) { MaintainLink = true }))
            {
                (await AnswersAsync(first)).ShouldBeTrue();
                (await AnswersAsync(second)).ShouldBeTrue();
                new FileInfo(link).LinkTarget.ShouldBe("1002.ctl");
                ControlSocketPaths.ResolveForClient(null, dir.Path).Path.ShouldBe(link);
                ControlSocketPaths.ResolveForClient(null, dir.Path).Description.ShouldContain("-> 1002.ctl");
            }

            // The newest went away: the link moves back to the instance still running.
            new FileInfo(link).LinkTarget.ShouldBe("1001.ctl");
            (await AnswersAsync(link)).ShouldBeTrue();
        }
        finally
        {
            await a.DisposeAsync();
        }

        File.Exists(link).ShouldBeFalse();
        new FileInfo(link).LinkTarget.ShouldBeNull();
    }

    [Fact]
    public async Task A_live_socket_is_never_stolen()
    {
        using TempDir dir = new();
        string path = dir.File("live.ctl");
        await using TestServer owner = new(new ControlServerOptions(path));

        ControlSocketInUseException e = Should.Throw<ControlSocketInUseException>(() => ControlServer.Start(new ControlServerOptions(path), new FakeHandler()));
        e.Message.ShouldContain("running instance");
        e.SocketPath.ShouldBe(path);

        (await AnswersAsync(path)).ShouldBeTrue();
        owner.Handler.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_stale_socket_is_replaced()
    {
        using TempDir dir = new();
        string path = dir.File("stale.ctl");
        CreateStaleSocket(path);
        ControlServer.IsLive(path).ShouldBeFalse();

        await using TestServer server = new(new ControlServerOptions(path));
        (await AnswersAsync(path)).ShouldBeTrue();
    }

    [Fact]
    public void A_regular_file_with_content_is_not_replaced()
    {
        using TempDir dir = new();
        string path = dir.File("data.ctl");
        File.WriteAllText(path, "precious");
        Should.Throw<ControlSocketInUseException>(() => ControlServer.Start(new ControlServerOptions(path), new FakeHandler())).Message.ShouldContain("not a socket");
        File.ReadAllText(path).ShouldBe("precious");
    }

    [Fact]
    public async Task Idle_clients_are_disconnected()
    {
        using TempDir dir = new();
        await using TestServer server = new(new ControlServerOptions(dir.File("i.ctl")) { IdleTimeout = TimeSpan.FromMilliseconds(300) });
        using Socket socket = server.ConnectRaw();
        using CancellationTokenSource timeout = new(TimeSpan.FromSeconds(10));
        byte[]? frame = await ControlFraming.ReadFrameAsync(new NetworkStream(socket), timeout.Token);
        frame.ShouldBeNull();
    }

    [Fact]
    public async Task Client_notices_the_idle_disconnect_and_the_shell_reconnects()
    {
        using TempDir dir = new();
        string path = dir.File("r.ctl");
        await using TestServer server = new(new ControlServerOptions(path) { IdleTimeout = TimeSpan.FromMilliseconds(300) });
        StringWriter output = new();
        StringWriter error = new();
        ControlShell shell = new(new ControlSocketChoice(path, path), json: false, output, error);
        Queue<string?> lines = new(["show stats", "__wait", "show workers", null]);
        int code = await shell.RunInteractiveAsync(() =>
        {
            string? line = lines.Dequeue();
            if (line == "__wait")
            {
                // Wait for the server to have dropped the idle client (not a fixed time: a loaded box may be late).
                // A connection leaves the count only once its stream (and socket) is disposed, so the
                // client's side is closed by then.
                Eventually.Poll(() => server.Server.ConnectionCount == 0, TimeSpan.FromSeconds(30));
                server.Server.ConnectionCount.ShouldBe(0, "the idle client was never closed");
                return string.Empty;
            }

            return line;
        });

        code.ShouldBe(0);
        error.ToString().ShouldContain("reconnected to " + path);
        server.Handler.CallsArray().ShouldBe(["show stats", "show workers"]);
    }

    [Fact]
    public async Task Starting_with_default_paths_sweeps_crashed_instances_and_takes_the_link()
    {
        using TempDir dir = new();
        CreateStaleSocket(dir.File("5.ctl"));
        File.CreateSymbolicLink(dir.File(ControlSocketPaths.LinkName), "5.ctl");

        await using TestServer server = new(new ControlServerOptions(ControlSocketPaths.ForInstance(null, 6, dir.Path)) { MaintainLink = true });
        File.Exists(dir.File("5.ctl")).ShouldBeFalse();
        new FileInfo(dir.File(ControlSocketPaths.LinkName)).LinkTarget.ShouldBe("6.ctl");
    }

    [Fact]
    public async Task Client_resolution_skips_a_link_to_a_dead_socket()
    {
        using TempDir dir = new();
        CreateStaleSocket(dir.File("7.ctl"));
        File.CreateSymbolicLink(dir.File(ControlSocketPaths.LinkName), "7.ctl");
        ControlSocketPaths.ResolveForClient(null, dir.Path).Path.ShouldBe(dir.File(ControlSocketPaths.LinkName));

        await using TestServer server = new(new ControlServerOptions(dir.File("8.ctl")));
        ControlSocketChoice choice = ControlSocketPaths.ResolveForClient(null, dir.Path);
        choice.Path.ShouldBe(dir.File("8.ctl"));
        choice.Description.ShouldContain("newest live of 2 sockets");
    }

    [Fact]
    public void Client_resolution_prefers_the_link_then_the_only_socket()
    {
        using TempDir dir = new();
        ControlSocketPaths.ResolveForClient(null, dir.Path).Path.ShouldBe(dir.File(ControlSocketPaths.LinkName));

        File.WriteAllBytes(dir.File("77.ctl"), []);
        ControlSocketPaths.ResolveForClient(null, dir.Path).Path.ShouldBe(dir.File("77.ctl"));

        ControlSocketPaths.ResolveForClient("rel/x.ctl", dir.Path).Path.ShouldBe(Path.GetFullPath("rel/x.ctl"));
        ControlSocketPaths.IsInstanceSocketName("123.ctl").ShouldBeTrue();
        ControlSocketPaths.IsInstanceSocketName("unicornet.ctl").ShouldBeFalse();
        ControlSocketPaths.IsInstanceSocketName(".ctl").ShouldBeFalse();
    }

    [Fact]
    public void Options_for_an_instance_follow_the_control_settings()
    {
        ControlServerOptions options = ControlServerOptions.ForInstance(null, 384, 4242);
        options.SocketPath.ShouldEndWith("/4242.ctl");
        options.MaintainLink.ShouldBeTrue();
        options.Mode.ShouldBe(384);

        ControlServerOptions.ForInstance(null, Convert.ToInt32("660", 8), 4242).Mode.ShouldBe(Convert.ToInt32("660", 8));

        ControlServerOptions.ForInstance("/run/app/ctl.sock", 384, 4242).SocketPath.ShouldBe("/run/app/ctl.sock");
        ControlServerOptions.ForInstance("/run/app/ctl.sock", 384, 4242).MaintainLink.ShouldBeFalse();
    }
}
