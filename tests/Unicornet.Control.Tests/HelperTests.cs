using System.Text.Json;
using Unicornet.Control.Client;
using Unicornet.Control.Protocol;

namespace Unicornet.Control.Tests;

public sealed class HelperTests
{
    [Theory]
    [InlineData("show workers", new[] { "show", "workers" })]
    [InlineData("  worker   add  2 ", new[] { "worker", "add", "2" })]
    [InlineData("a 'b c' \"d \\\"e\\\"\" f\\ g", new[] { "a", "b c", "d \"e\"", "f g" })]
    [InlineData("x''y", new[] { "xy" })]
    [InlineData("''", new[] { "" })]
    [InlineData("", new string[0])]
    public void Command_lines_split_like_a_shell(string line, string[] expected)
    {
        CommandLineSplitter.Split(line).ShouldBe(expected);
    }

    [Theory]
    [InlineData("'open")]
    [InlineData("\"open")]
    [InlineData("trailing\\")]
    public void Unbalanced_quotes_are_argument_errors(string line)
    {
        Should.Throw<ControlArgumentException>(() => CommandLineSplitter.Split(line));
    }

    [Theory]
    [InlineData(4, 1, 3, 1)]
    [InlineData(4, 10, 1, 3)]
    [InlineData(1, 1, 1, 0)]
    [InlineData(3, 2, 1, 2)]
    public void Worker_remove_never_goes_below_one(int previous, int requested, int total, int removed)
    {
        WorkersRemoved result = WorkersRemoved.Clamp(previous, requested);
        result.Total.ShouldBe(total);
        result.Removed.ShouldBe(removed);
        result.Previous.ShouldBe(previous);
    }

    [Fact]
    public void Config_data_carries_every_setting_with_json_values_and_origins()
    {
        FakeSettings settings = new()
        {
            ["workers"] = 3,
            ["bind"] = new StringList(["127.0.0.1:8000"]),
            ["preload_app"] = true,
            ["pidfile"] = null,
            ["timeout"] = 30.5,
            ["on_starting"] = (Action)(() => { }),
        };
        ConfigData data = ConfigData.FromSettings(settings);
        data.Settings.Select(s => s.Name).ShouldBe(["workers", "bind", "preload_app", "pidfile", "timeout", "on_starting"]);
        data.Settings[0].Origin.ShouldBe("command line");
        data.Settings[1].Origin.ShouldBe("default");

        string json = JsonSerializer.Serialize(data, ControlJsonContext.Default.ConfigData);
        json.ShouldContain("{\"name\":\"workers\",\"value\":3,\"origin\":\"command line\"}");
        json.ShouldContain("\"value\":[\"127.0.0.1:8000\"]");
        json.ShouldContain("\"value\":true");
        json.ShouldContain("{\"name\":\"pidfile\",\"value\":null");
        json.ShouldContain("\"value\":\"\\u003Ccallable\\u003E\"");
    }

    [Fact]
    public void Formatter_renders_scalars_tables_and_nested_objects()
    {
        string json = JsonSerializer.Serialize(FakeHandler.Workers, ControlJsonContext.Default.WorkersData);
        using JsonDocument document = JsonDocument.Parse(json);
        string text = ControlOutputFormatter.Format(document.RootElement);
        string[] lines = text.Split('\n');
        lines[0].ShouldBe("count: 2");
        text.ShouldContain("workers (2):");
        text.ShouldContain("PID   AGE  BOOTED  ABORTED  LAST_HEARTBEAT  REQUESTS");
        text.ShouldContain("4101  1    yes     no       0.5             17");
        text.ShouldContain("4102  2    no      no       -               0");

        using JsonDocument help = JsonDocument.Parse("{\"commands\":{\"help\":\"this list\",\"reload\":\"reload\"},\"empty\":[]}");
        string helpText = ControlOutputFormatter.Format(help.RootElement);
        helpText.ShouldContain("empty: (none)");
        helpText.ShouldContain("commands:\n  help:   this list\n  reload: reload");

        using JsonDocument onlyTable = JsonDocument.Parse("{\"settings\":[{\"name\":\"workers\",\"value\":2}]}");
        ControlOutputFormatter.Format(onlyTable.RootElement).ShouldBe("settings (1):\n  NAME     VALUE\n  workers  2");
    }

    [Fact]
    public async Task Main_loop_dispatcher_runs_work_on_the_loop_thread()
    {
        int wakes = 0;
        MainLoopDispatcher dispatcher = new(() => Interlocked.Increment(ref wakes));
        Task<int> pending = Task.Run(() => dispatcher.InvokeAsync(() => Environment.CurrentManagedThreadId));
        Eventually.Poll(() => dispatcher.HasPending, TimeSpan.FromSeconds(10)).ShouldBeTrue();

        pending.IsCompleted.ShouldBeFalse();
        int loopThread = Environment.CurrentManagedThreadId;
        dispatcher.RunPending().ShouldBe(1);
        (await pending.WaitAsync(TimeSpan.FromSeconds(10))).ShouldBe(loopThread);
        wakes.ShouldBe(1);

        Task<int> failing = dispatcher.InvokeAsync<int>(() => throw new InvalidOperationException("boom"));
        dispatcher.RunPending();
        (await Should.ThrowAsync<InvalidOperationException>(failing)).Message.ShouldBe("boom");

        using CancellationTokenSource cancelled = new();
        Task<int> abandoned = dispatcher.InvokeAsync(() => 1, cancelled.Token);
        await cancelled.CancelAsync();
        await Should.ThrowAsync<TaskCanceledException>(abandoned);
        dispatcher.RunPending().ShouldBe(1);
    }
}
