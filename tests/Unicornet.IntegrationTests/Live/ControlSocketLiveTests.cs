using System.Text.Json;
using Unicornet.IntegrationTests.Support;

namespace Unicornet.IntegrationTests.Live;

/// <summary>Every unicornetc command against a live unicornet master.</summary>
public sealed class ControlSocketLiveTests
{
    private static CommandResult Ctl(string socket, string command) =>
        CommandRunner.Run(Binaries.Unicornetc, ["-s", socket, "-j", "-c", command], timeout: TimeSpan.FromSeconds(30));

    private static JsonElement Data(string socket, string command)
    {
        CommandResult r = Ctl(socket, command);
        r.ExitCode.ShouldBe(0, $"{command}: {r.Output}");
        using JsonDocument doc = JsonDocument.Parse(r.StdOut);
        return doc.RootElement.Clone();
    }

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static Task<int> WorkerCountEventually(string socket, int expected) =>
        Eventually.ValueAsync(() => Task.FromResult(Data(socket, "show workers").GetProperty("count").GetInt32()), count => count == expected, Deadline);

    [Fact]
    public async Task Every_command_works_against_a_live_server()
    {
        // {DIR}: the server's own directory, deleted with it.
        await using ServerProcess server = await ServerProcess.StartAsync(
            ["-w", "2", "-k", "gthread", "--control-socket", "{DIR}/ctl.sock", Examples.Dll("HelloApp") + ":App"]);
        string socket = Path.Combine(server.Directory, "ctl.sock");

        (await WorkerCountEventually(socket, 2)).ShouldBe(2);

        JsonElement stats = Data(socket, "show stats");
        stats.GetProperty("pid").GetInt32().ShouldBe(server.Pid);
        stats.GetProperty("workers_current").GetInt32().ShouldBe(2);
        stats.GetProperty("workers_spawned").GetInt32().ShouldBeGreaterThanOrEqualTo(2);

        Data(socket, "show config").ToString().ShouldContain("gthread");
        Data(socket, "show listeners").ToString().ShouldContain("127.0.0.1:" + server.Port);
        Data(socket, "show dirty").GetProperty("enabled").GetBoolean().ShouldBeFalse();
        Data(socket, "show all").ToString().ShouldContain(server.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Data(socket, "help").ToString().ShouldContain("worker add");

        Data(socket, "worker add 1");
        (await WorkerCountEventually(socket, 3)).ShouldBe(3);
        Data(socket, "worker remove 1");
        (await WorkerCountEventually(socket, 2)).ShouldBe(2);

        int victim = Data(socket, "show workers").GetProperty("workers")[0].GetProperty("pid").GetInt32();
        Data(socket, "worker kill " + victim);
        Eventually.Poll(() => !Data(socket, "show workers").GetProperty("workers").EnumerateArray().Any(w => w.GetProperty("pid").GetInt32() == victim), Deadline);

        (await WorkerCountEventually(socket, 2)).ShouldBe(2);
        Data(socket, "show workers").GetProperty("workers").EnumerateArray().ShouldNotContain(w => w.GetProperty("pid").GetInt32() == victim);

        Data(socket, "reopen");
        Data(socket, "reload");
        (await server.WaitForOutputAsync("Handling signal: hup", TimeSpan.FromSeconds(20))).ShouldBeTrue(server.Output);
        Ctl(socket, "dirty add 1").ExitCode.ShouldBe(1);
        Ctl(socket, "worker remove banana").ExitCode.ShouldBe(1);

        Data(socket, "shutdown");
        (await server.WaitForExitAsync(TimeSpan.FromSeconds(60))).ShouldBe(0);
        File.Exists(socket).ShouldBeFalse();
    }
}
