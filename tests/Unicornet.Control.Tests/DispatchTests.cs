using System.Text.Json;
using Unicornet.Control.Client;
using Unicornet.Control.Protocol;
using Unicornet.Control.Server;

namespace Unicornet.Control.Tests;

/// <summary>Every command reaches the handler with parsed arguments; bad arguments never do.</summary>
public sealed class DispatchTests
{
    private static readonly ControlJsonContext s_json = ControlJsonContext.Default;

    [Theory]
    [InlineData("show workers", "show workers")]
    [InlineData("SHOW   Workers", "show workers")]
    [InlineData("show stats", "show stats")]
    [InlineData("show config", "show config")]
    [InlineData("show listeners", "show listeners")]
    [InlineData("show dirty", "show dirty")]
    [InlineData("worker add", "worker add 1")]
    [InlineData("worker add 3", "worker add 3")]
    [InlineData("worker add \"4\"", "worker add 4")]
    [InlineData("worker remove", "worker remove 1")]
    [InlineData("worker remove 2", "worker remove 2")]
    [InlineData("worker kill 4101", "worker kill 4101")]
    [InlineData("dirty add", "dirty add 1")]
    [InlineData("dirty add 2", "dirty add 2")]
    [InlineData("dirty remove 5", "dirty remove 5")]
    [InlineData("reload", "reload")]
    [InlineData("reopen", "reopen")]
    [InlineData("shutdown", "shutdown Graceful")]
    [InlineData("shutdown graceful", "shutdown Graceful")]
    [InlineData("shutdown quick", "shutdown Quick")]
    public async Task Command_reaches_the_handler_with_parsed_arguments(string command, string expectedCall)
    {
        await using TestServer server = new();
        await using ControlClient client = await server.ConnectAsync();
        ControlResponse reply = await client.SendAsync(command);
        reply.IsOk.ShouldBeTrue(reply.Error);
        server.Handler.CallsArray().ShouldBe([expectedCall]);
    }

    [Fact]
    public async Task Args_array_is_appended_to_the_command_words()
    {
        await using TestServer server = new();
        await using ControlClient client = await server.ConnectAsync();
        (await client.SendAsync("worker", ["add", "6"])).IsOk.ShouldBeTrue();
        (await client.SendAsync("worker kill", ["4101"])).IsOk.ShouldBeTrue();
        server.Handler.CallsArray().ShouldBe(["worker add 6", "worker kill 4101"]);
    }

    [Fact]
    public async Task Show_all_combines_stats_workers_and_dirty()
    {
        await using TestServer server = new();
        await using ControlClient client = await server.ConnectAsync();
        AllData all = (await client.SendAsync("show all")).DataAs(s_json.AllData);
        all.Arbiter.ShouldBe(new ProcessSummary(4100, "arbiter", "master"));
        all.WebWorkerCount.ShouldBe(2);
        all.WebWorkers.Select(w => w.Pid).ShouldBe([4101, 4102]);
        all.DirtyArbiter!.Pid.ShouldBe(4200);
        all.DirtyWorkerCount.ShouldBe(1);
        server.Handler.CallsArray().ShouldBe(["show stats", "show workers", "show dirty"]);
    }

    [Fact]
    public async Task Reply_data_is_snake_case_and_typed()
    {
        await using TestServer server = new();
        await using ControlClient client = await server.ConnectAsync();

        ControlResponse workers = await client.SendAsync("show workers");
        JsonElement data = workers.Data!.Value;
        data.GetProperty("count").GetInt32().ShouldBe(2);
        JsonElement first = data.GetProperty("workers")[0];
        first.GetProperty("pid").GetInt32().ShouldBe(4101);
        first.GetProperty("last_heartbeat").GetDouble().ShouldBe(0.5);
        first.GetProperty("requests").GetInt64().ShouldBe(17);
        data.GetProperty("workers")[1].GetProperty("last_heartbeat").ValueKind.ShouldBe(JsonValueKind.Null);

        StatsData stats = (await client.SendAsync("show stats")).DataAs(s_json.StatsData);
        stats.RequestsPerWorker.Count.ShouldBe(2);
        stats.DirtyArbiterPid.ShouldBe(4200);
        (await client.SendAsync("show stats")).Data!.Value.GetProperty("workers_target").GetInt32().ShouldBe(2);

        JsonElement config = (await client.SendAsync("show config")).Data!.Value.GetProperty("settings");
        config[1].GetProperty("value")[1].GetString().ShouldBe("unix:/tmp/a.sock");
        config[0].GetProperty("origin").GetString().ShouldBe("command line");

        JsonElement listeners = (await client.SendAsync("show listeners")).Data!.Value;
        listeners.GetProperty("listeners")[1].GetProperty("type").GetString().ShouldBe("unix");

        WorkersAdded added = (await client.SendAsync("worker add 2")).DataAs(s_json.WorkersAdded);
        added.ShouldBe(new WorkersAdded(2, 2, 4));
        WorkersRemoved removed = (await client.SendAsync("worker remove 10")).DataAs(s_json.WorkersRemoved);
        removed.ShouldBe(new WorkersRemoved(3, 4, 1));

        JsonElement shutdown = (await client.SendAsync("shutdown quick")).Data!.Value;
        shutdown.GetProperty("status").GetString().ShouldBe("shutting_down");
        shutdown.GetProperty("mode").GetString().ShouldBe("quick");
        (await client.SendAsync("reload")).Data!.Value.TryGetProperty("mode", out _).ShouldBeFalse();

        WorkerKillResult miss = (await client.SendAsync("worker kill 999")).DataAs(s_json.WorkerKillResult);
        miss.Success.ShouldBeFalse();
        miss.Error.ShouldBe("999 is not a worker");
    }

    [Fact]
    public async Task Help_lists_every_command()
    {
        await using TestServer server = new();
        await using ControlClient client = await server.ConnectAsync();
        HelpData help = (await client.SendAsync("help")).DataAs(s_json.HelpData);
        help.Commands.Keys.ShouldBe(
            ["show workers", "show stats", "show config", "show listeners", "show dirty", "show metrics", "show all", "worker add [N]", "worker remove [N]",
             "worker kill PID", "dirty add [N]", "dirty remove [N]", "reload", "reopen", "shutdown [graceful|quick]", "help"],
            ignoreOrder: false);
        server.Handler.Calls.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("show")]
    [InlineData("show everything")]
    [InlineData("show workers now")]
    [InlineData("worker")]
    [InlineData("worker add 0")]
    [InlineData("worker add -1")]
    [InlineData("worker add two")]
    [InlineData("worker add 1001")]
    [InlineData("worker add 99999999999")]
    [InlineData("worker add 1 2")]
    [InlineData("worker remove 0")]
    [InlineData("worker kill")]
    [InlineData("worker kill abc")]
    [InlineData("worker kill 0")]
    [InlineData("worker kill 12 13")]
    [InlineData("worker explode")]
    [InlineData("dirty")]
    [InlineData("dirty add x")]
    [InlineData("dirty spawn")]
    [InlineData("reload now")]
    [InlineData("reopen logs")]
    [InlineData("shutdown later")]
    [InlineData("shutdown quick now")]
    [InlineData("help me")]
    public async Task Bad_arguments_are_invalid_argument_errors_and_reach_no_handler(string command)
    {
        await using TestServer server = new();
        await using ControlClient client = await server.ConnectAsync();
        ControlResponse reply = await client.SendAsync(command);
        reply.IsOk.ShouldBeFalse();
        reply.Error!.ShouldStartWith("Invalid argument: ");
        server.Handler.Calls.ShouldBeEmpty();
        (await client.SendAsync("show workers")).IsOk.ShouldBeTrue();
    }

    [Fact]
    public async Task Handler_exceptions_become_error_replies_and_the_server_keeps_serving()
    {
        await using TestServer server = new();
        await using ControlClient client = await server.ConnectAsync();

        server.Handler.Throw = () => new ControlArgumentException("no worker with pid 77");
        (await client.SendAsync("worker kill 77")).Error.ShouldBe("Invalid argument: no worker with pid 77");

        server.Handler.Throw = () => new InvalidOperationException("the master is busy");
        (await client.SendAsync("reload")).Error.ShouldBe("Command failed: the master is busy");

        server.Handler.Throw = null;
        (await client.SendAsync("reload")).IsOk.ShouldBeTrue();
    }

    [Fact]
    public async Task A_handler_that_never_answers_times_out_with_an_error()
    {
        using TempDir dir = new();
        FakeHandler handler = new() { Block = new TaskCompletionSource() };
        await using TestServer server = new(new ControlServerOptions(dir.File("t.ctl")) { CommandTimeout = TimeSpan.FromMilliseconds(300) }, handler);
        await using ControlClient client = await server.ConnectAsync();

        ControlResponse reply = await client.SendAsync("worker add");
        reply.Error!.ShouldStartWith("Command failed: no answer from the master");

        handler.Block = null;
        (await client.SendAsync("show workers")).IsOk.ShouldBeTrue();
    }

    [Fact]
    public async Task Several_requests_on_one_connection_and_several_clients_at_once()
    {
        await using TestServer server = new();
        Task[] clients = Enumerable.Range(0, 8).Select(async _ =>
        {
            await using ControlClient client = await server.ConnectAsync();
            for (int i = 0; i < 10; i++)
            {
                ControlResponse reply = await client.SendAsync("show listeners");
                reply.IsOk.ShouldBeTrue(reply.Error);
            }
        }).ToArray();
        await Task.WhenAll(clients).WaitAsync(TimeSpan.FromSeconds(30));
        server.Handler.Calls.Count.ShouldBe(80);
    }

    [Fact]
    public async Task Shutdown_reply_arrives_even_though_the_master_stops_the_server_at_once()
    {
        TestServer server = new();
        Task? stopping = null;
        server.Handler.OnShutdown = () => stopping = server.Server.StopAsync();
        await using ControlClient client = await server.ConnectAsync();

        ControlResponse reply = await client.SendAsync("shutdown");
        reply.IsOk.ShouldBeTrue(reply.Error);
        reply.Data!.Value.GetProperty("status").GetString().ShouldBe("shutting_down");

        await stopping!.WaitAsync(TimeSpan.FromSeconds(15));
        File.Exists(server.Path).ShouldBeFalse();
        await server.DisposeAsync();
    }

    [Fact]
    public async Task Stopping_the_server_ends_open_connections()
    {
        TestServer server = new();
        ControlClient client = await server.ConnectAsync();
        (await client.SendAsync("help")).IsOk.ShouldBeTrue();
        await server.DisposeAsync();
        await Should.ThrowAsync<ControlConnectionException>(async () => await client.SendAsync("help"));
        client.IsConnected.ShouldBeFalse();
        await client.DisposeAsync();
    }
}
