using System.Diagnostics;
using System.Text.RegularExpressions;
using Unicornet.IntegrationTests.Support;

namespace Unicornet.IntegrationTests.Cli;

/// <summary>
/// What a new user meets in the first hour (issue 12): help printed once and unpaged, refusing a
/// command line with no app before binding, one line for a missing app assembly, every error of a
/// broken script at start-up and on HUP, modes in octal, and the test command's totals.
/// </summary>
public sealed class FirstHourTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    // The unique last line of `unicornet --help`: it appears once when the text is printed once.
    private const string HelpLastLine = "Control a running master with unicornetc (unicornetc --help).";

    private readonly string _dir = Directory.CreateTempSubdirectory("unicornet-firsthour-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private CommandResult Run(params string[] args) =>
        CommandRunner.Run(Binaries.Unicornet, args, _dir, new Dictionary<string, string?> { ["XDG_CACHE_HOME"] = Path.Combine(_dir, "cache") });

    private static int Count(string text, string line) =>
        text.Split('\n').Count(l => l.TrimEnd('\r') == line);

    [Fact]
    public void Help_is_printed_once_and_names_the_other_command_and_the_settings_reference()
    {
        CommandResult r = Run("--help");
        r.ExitCode.ShouldBe(0);
        Count(r.StdOut, HelpLastLine).ShouldBe(1, r.StdOut);
        r.StdOut.ShouldContain("unicornet --help-settings");
        r.StdOut.ShouldNotContain("docs/settings.md");
        r.StdOut.ShouldMatch(@"--no-sendfile\s+Turns sendfile off");

        CommandResult ctl = CommandRunner.Run(Binaries.Unicornetc, ["--help"], _dir);
        ctl.ExitCode.ShouldBe(0);
        // Printed once (McMaster printed help a second time while parsing); since `top` it reads "[options] [command]".
        ctl.StdOut.Split('\n').Count(l => l.StartsWith("Usage: unicornetc ", StringComparison.Ordinal)).ShouldBe(1, ctl.StdOut);
        ctl.StdOut.ShouldContain("unicornet --help");
    }

    [Fact]
    public void Help_settings_prints_the_settings_reference()
    {
        CommandResult r = Run("--help-settings");
        r.ExitCode.ShouldBe(0);
        r.StdOut.ShouldStartWith("# unicornet settings");
        r.StdOut.ShouldContain("| `control_socket_mode` |");
        r.StdOut.ShouldContain("| `post_fork` |");
        r.StdOut.ShouldNotContain("<!--");
    }

    [Fact]
    public async Task Help_on_a_terminal_opens_no_pager()
    {
        // script(1) (util-linux, on every Debian) gives the command a pseudo-terminal. A pager would
        // wait for a key that never comes (stdin stays open and empty), so the run would hit its
        // deadline instead of printing the text once.
        string command = $"dotnet exec '{Binaries.Unicornet}' --help";
        var psi = new ProcessStartInfo("script", ["-qec", command, "/dev/null"])
        {
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = _dir,
        };
        psi.Environment["TERM"] = "xterm";
        psi.Environment["XDG_CACHE_HOME"] = Path.Combine(_dir, "cache");
        psi.Environment.Remove("UNICORNET_CMD_ARGS");
        using Process p = Process.Start(psi)!;
        try
        {
            Task<string> output = p.StandardOutput.ReadToEndAsync();
            using var deadline = new CancellationTokenSource(Deadline);
            try
            {
                await p.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("unicornet --help on a terminal did not finish: a pager is waiting");
            }

            p.ExitCode.ShouldBe(0);
            string text = (await output).Replace("\r", "", StringComparison.Ordinal);
            Count(text, HelpLastLine).ShouldBe(1, text);
        }
        finally
        {
            if (!p.HasExited)
            {
                p.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public async Task No_app_is_a_usage_error_before_anything_is_bound_or_spawned()
    {
        await using ServerProcess server = await ServerProcess.StartAsync(["-w", "2"], waitForHttp: false);
        int exit = await server.WaitForExitAsync(Deadline);
        exit.ShouldBe(2, server.Output);
        server.Output.ShouldContain("unicornet: error: No application module specified");
        server.Output.ShouldContain("usage: unicornet [OPTIONS] [APP_MODULE]");
        server.Output.ShouldNotContain("Listening at");
        server.Output.ShouldNotContain("Booting worker");
    }

    [Fact]
    public void An_app_set_by_the_script_is_still_accepted()
    {
        string conf = Path.Combine(_dir, "app.conf.csx");
        File.WriteAllText(conf, $"wsgi_app = \"{Examples.TestApp}:App.Invoke\";\n");
        CommandResult r = Run("--check-config", "-c", conf);
        r.ExitCode.ShouldBe(0, r.Output);
    }

    [Fact]
    public async Task A_missing_app_assembly_is_one_line_without_a_stack_and_exit_4()
    {
        string missing = Path.Combine(_dir, "bin", "Release", "net10.0", "MyApi.dll");
        await using ServerProcess server = await ServerProcess.StartAsync(["--chdir", _dir, "--pythonpath", "/opt/apps", missing + ":App"], waitForHttp: false);
        int exit = await server.WaitForExitAsync(Deadline);
        exit.ShouldBe(4, server.Output);
        string[] lines = server.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        lines.Length.ShouldBe(1, server.Output);
        lines[0].ShouldContain(missing);
        lines[0].ShouldContain($"chdir: {_dir}");
        lines[0].ShouldContain("pythonpath: /opt/apps");
        lines[0].ShouldContain("expected ");
        server.Output.ShouldNotContain("   at ");
        server.Output.ShouldNotContain("Booting worker");
    }

    [Fact]
    public void Check_config_reports_a_missing_app_the_same_way()
    {
        string missing = Path.Combine(_dir, "nowhere", "MyApi.dll");
        CommandResult r = Run("--check-config", missing);
        r.ExitCode.ShouldBe(1);
        r.StdErr.Trim().ShouldStartWith($"error: app '{missing}': Failed to load assembly '{missing}': file not found in {missing} (chdir: unset, pythonpath: unset); expected ");
        r.StdErr.ShouldNotContain("   at ");
    }

    // Four different kinds of error, on lines 1, 2, 3 and 4: a bad value, a type error, an unknown
    // setting and a wrong hook signature.
    private const string BrokenScript = "workers = -1;\ntimeout = 30.5;\nworker_clas = \"sync\";\nvoid post_fork(Arbiter server) { }\n";

    private static List<string> ErrorLines(string output, string conf) =>
        output.Split('\n').Select(l => l.TrimEnd('\r'))
            .Select(l => l.IndexOf(conf + ":", StringComparison.Ordinal) is int at and >= 0 ? l[at..] : null)
            .Where(l => l is not null && Regex.IsMatch(l, @"^.+:\d+:\d+: error: "))
            .Select(l => l!)
            .ToList();

    [Fact]
    public void Every_kind_of_script_error_is_reported_in_one_run_with_its_place()
    {
        string conf = Path.Combine(_dir, "broken.conf.csx");
        File.WriteAllText(conf, BrokenScript);
        CommandResult r = Run("--check-config", "-c", conf);
        r.ExitCode.ShouldBe(1);
        List<string> errors = ErrorLines(r.StdErr, conf);
        errors.Count.ShouldBe(4, r.StdErr);
        errors[0].ShouldStartWith($"{conf}:1:1: error: workers: ");
        errors[1].ShouldStartWith($"{conf}:2:11: error: timeout: expects int");
        errors[2].ShouldStartWith($"{conf}:3:1: error: worker_clas: unknown setting");
        errors[3].ShouldStartWith($"{conf}:4:6: error: post_fork: expected ");
    }

    [Fact]
    public async Task A_broken_script_on_HUP_logs_what_start_up_prints()
    {
        string startup = Path.Combine(_dir, "startup.conf.csx");
        File.WriteAllText(startup, BrokenScript);
        List<string> expected = ErrorLines(Run("--check-config", "-c", startup).StdErr, startup);
        expected.Count.ShouldBe(4);

        string serverDir = Path.Combine(_dir, "hup");
        Directory.CreateDirectory(serverDir);
        string conf = Path.Combine(serverDir, "conf.csx");
        File.WriteAllText(conf, "workers = 1;\n");
        await using ServerProcess server = await ServerProcess.StartAsync(["-c", conf, "--no-control-socket", Examples.TestApp + ":App.Invoke"], directory: serverDir);
        File.WriteAllText(conf, BrokenScript);
        server.Signal(global::Unicornet.Platform.Signals.SIGHUP);
        (await server.WaitForOutputAsync("Reload failed, keeping the current configuration:", Deadline)).ShouldBeTrue(server.Output);
        (await server.WaitForOutputAsync($"{conf}:4:", Deadline)).ShouldBeTrue(server.Output);
        ErrorLines(server.Output, conf).ShouldBe(expected.Select(l => l.Replace(startup, conf, StringComparison.Ordinal)).ToList(), server.Output);
    }

    [Theory]
    [InlineData("kestrel")]
    [InlineData("async")]
    public async Task An_unmodified_aspnet_app_prints_no_host_start_up_lines_under_any_class(string workerClass)
    {
        await using ServerProcess server = await ServerProcess.StartAsync(["-k", workerClass, "-w", "1", "--no-control-socket", Examples.Dll("MinimalApi")]);
        // Stop it, so whatever the app's logger still had queued is in the output.
        server.Signal(global::Unicornet.Platform.Signals.SIGTERM);
        (await server.WaitForExitAsync(Deadline)).ShouldBe(0, server.Output);
        server.Output.ShouldContain("Booting worker");
        server.Output.ShouldContain("Listening at: http://127.0.0.1:" + server.Port);
        server.Output.ShouldNotContain("Now listening on");
        server.Output.ShouldNotContain("Microsoft.Hosting.Lifetime");
    }

    [Fact]
    public void Print_config_shows_modes_in_octal_as_help_does()
    {
        CommandResult r = Run("--print-config", "-m", "0o22");
        r.ExitCode.ShouldBe(0, r.Output);
        r.StdOut.ShouldMatch(@"(?m)^control_socket_mode\s+= 0600\s");
        r.StdOut.ShouldMatch(@"(?m)^umask\s+= 0022\s");
        Run("--help").StdOut.ShouldContain("[0600]");
    }
}
