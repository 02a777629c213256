using System.Globalization;
using Unicornet.IntegrationTests.Support;
using Xunit.Abstractions;

namespace Unicornet.IntegrationTests.Live;

/// <summary><c>unicornetc top</c> in a real terminal (tmux, on a socket of its own) against a live server.</summary>
[Collection("arbiter")]
public sealed class TopLiveTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public void Top_shows_every_worker_in_a_terminal_and_q_quits()
    {
        if (!Tmux.Available(output))
        {
            return;
        }

        using var server = new ServerProcess();
        string socket = Path.Combine(server.Dir, "ctl.sock");
        server.Start("-w", "2", "--control-socket", socket);
        server.WaitServing(2);
        server.TryGet("/", out _).ShouldBe(200);
        List<int> workers = server.WorkerPids();

        using var tmux = new Tmux("unicornet-top-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        tmux.Start($"dotnet {Binaries.Unicornetc} -s {socket} top");
        string screen = "";
        server.WaitFor(
            () => (screen = tmux.Capture()).Contains("HTTP workers", StringComparison.Ordinal) && workers.All(p => screen.Contains(p.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)),
            Deadline,
            "top to show both workers");
        output.WriteLine(screen);
        screen.ShouldContain("req/s");
        screen.ShouldContain("in flight");
        screen.ShouldContain("total");

        tmux.SendKeys("q");
        server.WaitFor(() => !tmux.SessionAlive(), Deadline, "top to quit on q");
    }

    [Fact]
    public void Top_once_prints_one_frame_and_exits()
    {
        using var server = new ServerProcess();
        string socket = Path.Combine(server.Dir, "ctl.sock");
        server.Start("-w", "2", "--control-socket", socket);
        server.WaitServing(2);
        List<int> workers = server.WorkerPids();

        CommandResult top = CommandRunner.Run(Binaries.Unicornetc, ["-s", socket, "top", "--once"], timeout: Deadline);
        output.WriteLine(top.Output);
        top.ExitCode.ShouldBe(0, top.Output);
        foreach (int pid in workers)
        {
            top.StdOut.ShouldContain(pid.ToString(CultureInfo.InvariantCulture));
        }

        top.StdOut.ShouldContain("running");
        top.StdOut.ShouldContain("dirty workers: none");
    }

    /// <summary>A tmux server of the test's own (<c>-L</c>), so no other session is touched; killed on dispose.</summary>
    private sealed class Tmux(string name) : IDisposable
    {
        public static bool Available(ITestOutputHelper output)
        {
            if (Run("tmux", "-V").ExitCode == 0)
            {
                return true;
            }

            Environment.GetEnvironmentVariable("CI").ShouldNotBe("true", "tmux is required under CI (.ci/run installs it)");
            output.WriteLine("SKIPPED: tmux is not installed");
            return false;
        }

        public void Start(string command) =>
            Run("tmux", "-L", name, "new-session", "-d", "-s", "top", "-x", "160", "-y", "40", command).ExitCode.ShouldBe(0);

        public string Capture() => Run("tmux", "-L", name, "capture-pane", "-p", "-t", "top").StdOut;

        public void SendKeys(string keys) => Run("tmux", "-L", name, "send-keys", "-t", "top", keys);

        public bool SessionAlive() => Run("tmux", "-L", name, "has-session", "-t", "top").ExitCode == 0;

        public void Dispose() => Run("tmux", "-L", name, "kill-server");

        private static CommandResult Run(string file, params string[] args)
        {
            try
            {
                return CommandRunner.RunFile(file, args, timeout: TimeSpan.FromSeconds(30));
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return new CommandResult(-1, "", "");
            }
        }
    }
}
