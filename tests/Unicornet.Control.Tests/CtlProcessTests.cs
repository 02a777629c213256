using System.Text.Json;
using Unicornet.Control.Server;

namespace Unicornet.Control.Tests;

/// <summary>unicornetc as a real process against a real server.</summary>
public sealed class CtlProcessTests
{
    [Fact]
    public async Task One_shot_command_prints_a_table_and_exits_0()
    {
        await using TestServer server = new();
        CtlProcess.Result result = await CtlProcess.RunAsync(["-s", server.Path, "-c", "show workers"]);
        result.ExitCode.ShouldBe(0, result.Stderr);
        result.Stdout.ShouldContain("count: 2");
        result.Stdout.ShouldContain("PID");
        result.Stdout.ShouldContain("4101");
        result.Stderr.ShouldBeEmpty();
        server.Handler.CallsArray().ShouldBe(["show workers"]);
    }

    [Fact]
    public async Task Json_flag_prints_the_raw_data()
    {
        await using TestServer server = new();
        CtlProcess.Result result = await CtlProcess.RunAsync(["--socket", server.Path, "--json", "--command", "show stats"]);
        result.ExitCode.ShouldBe(0, result.Stderr);
        using JsonDocument document = JsonDocument.Parse(result.Stdout);
        document.RootElement.GetProperty("pid").GetInt32().ShouldBe(4100);
        document.RootElement.GetProperty("requests_per_worker")[0].GetProperty("requests").GetInt64().ShouldBe(17);
    }

    [Fact]
    public async Task State_change_reaches_the_handler()
    {
        await using TestServer server = new();
        CtlProcess.Result result = await CtlProcess.RunAsync(["-s", server.Path, "-j", "-c", "worker add 3"]);
        result.ExitCode.ShouldBe(0, result.Stderr);
        JsonDocument.Parse(result.Stdout).RootElement.GetProperty("total").GetInt32().ShouldBe(5);
        server.Handler.CallsArray().ShouldBe(["worker add 3"]);
    }

    [Fact]
    public async Task Reply_with_success_false_exits_1()
    {
        await using TestServer server = new();
        CtlProcess.Result missed = await CtlProcess.RunAsync(["-s", server.Path, "-c", "worker kill 999"]);
        missed.ExitCode.ShouldBe(1);
        missed.Stdout.ShouldContain("success: no");
        missed.Stdout.ShouldContain("999 is not a worker");

        CtlProcess.Result killed = await CtlProcess.RunAsync(["-s", server.Path, "-c", "worker kill 4101"]);
        killed.ExitCode.ShouldBe(0, killed.Stderr);
        killed.Stdout.ShouldContain("killed:  4101");
        server.Handler.CallsArray().ShouldBe(["worker kill 999", "worker kill 4101"]);
    }

    [Theory]
    [InlineData("worker add zero", "Error: Invalid argument: ")]
    [InlineData("launch rockets", "Error: Unknown command: 'launch'")]
    public async Task Error_reply_exits_1_with_the_message_on_stderr(string command, string expected)
    {
        await using TestServer server = new();
        CtlProcess.Result result = await CtlProcess.RunAsync(["-s", server.Path, "-c", command]);
        result.ExitCode.ShouldBe(1);
        result.Stderr.ShouldContain(expected);
        result.Stdout.ShouldBeEmpty();
    }

    [Fact]
    public async Task No_server_exits_1_with_a_clear_message()
    {
        using TempDir dir = new();
        string path = dir.File("nobody.ctl");
        CtlProcess.Result result = await CtlProcess.RunAsync(["-s", path, "-c", "show stats"]);
        result.ExitCode.ShouldBe(1);
        result.Stderr.ShouldContain("cannot connect to control socket " + path);
        result.Stderr.ShouldContain("is unicornet running");
    }

    [Fact]
    public async Task Version_flag_prints_the_version()
    {
        CtlProcess.Result result = await CtlProcess.RunAsync(["-v"]);
        result.ExitCode.ShouldBe(0, result.Stderr);
        result.Stdout.ShouldStartWith("unicornetc 0.1.0");
    }

    [Fact]
    public async Task Unknown_option_is_a_usage_error()
    {
        CtlProcess.Result result = await CtlProcess.RunAsync(["--frobnicate"]);
        result.ExitCode.ShouldBe(2);
        result.Stderr.ShouldContain("--frobnicate");
    }

    [Fact]
    public async Task Interactive_mode_reads_commands_from_redirected_stdin()
    {
        await using TestServer server = new();
        CtlProcess.Result result = await CtlProcess.RunAsync(
            ["-s", server.Path],
            stdin: "show listeners\n\nworker add 2\nbogus\nshow stats\nquit\nreload\n");
        result.ExitCode.ShouldBe(0, result.Stderr);
        result.Stdout.ShouldContain("Connected to " + server.Path);
        result.Stdout.ShouldContain("unix:/tmp/a.sock");
        result.Stdout.ShouldContain("total:    4");
        result.Stdout.ShouldContain("workers_target:");
        result.Stdout.ShouldNotContain("unicornet> ");
        result.Stderr.ShouldContain("Error: Unknown command: 'bogus'");

        // Everything after quit is ignored.
        server.Handler.CallsArray().ShouldBe(["show listeners", "worker add 2", "show stats"]);
    }

    [Fact]
    public async Task Interactive_mode_ends_at_end_of_input_and_fails_fast_without_a_server()
    {
        await using TestServer server = new();
        CtlProcess.Result ok = await CtlProcess.RunAsync(["-s", server.Path, "-j"], stdin: "show dirty");
        ok.ExitCode.ShouldBe(0, ok.Stderr);
        ok.Stdout.ShouldContain("\"import_path\": \"ml:Model\"");

        using TempDir dir = new();
        CtlProcess.Result failed = await CtlProcess.RunAsync(["-s", dir.File("none.ctl")], stdin: "show stats\n");
        failed.ExitCode.ShouldBe(1);
        failed.Stderr.ShouldContain("cannot connect");
    }

    [Fact]
    public async Task Default_socket_is_found_through_the_runtime_dir_link()
    {
        using TempDir runtime = new();
        string socket = ControlSocketPaths.ForInstance(null, 31337, Path.Combine(runtime.Path, "unicornet"));
        await using TestServer server = new(new ControlServerOptions(socket) { MaintainLink = true });

        CtlProcess.Result result = await CtlProcess.RunAsync(["-c", "reopen"], environment: new Dictionary<string, string> { ["XDG_RUNTIME_DIR"] = runtime.Path });
        result.ExitCode.ShouldBe(0, result.Stderr);
        result.Stdout.ShouldContain("status: reopening");

        CtlProcess.Result interactive = await CtlProcess.RunAsync([], stdin: "help\n", environment: new Dictionary<string, string> { ["XDG_RUNTIME_DIR"] = runtime.Path });
        interactive.Stdout.ShouldContain("unicornet.ctl -> 31337.ctl");
        server.Handler.CallsArray().ShouldBe(["reopen"]);
    }
}
