namespace Unicornet.Control.Tests;

public sealed class DirtyStatusReaderTests
{
    private static Dictionary<string, object?> Map(params (string Key, object? Value)[] items)
    {
        Dictionary<string, object?> map = new(StringComparer.Ordinal);
        foreach ((string key, object? value) in items)
        {
            map[key] = value;
        }

        return map;
    }

    [Fact]
    public void Status_map_becomes_show_dirty_data()
    {
        // The shape DirtyArbiterHost's STATUS reply decodes to: longs, strings, lists and maps.
        Dictionary<string, object?> status = Map(
            ("pid", 900L),
            ("socket", "/tmp/x/arbiter.sock"),
            ("target", 2L),
            ("stash_tables", 0L),
            ("workers", new List<object?>
            {
                Map(("pid", 901L), ("age", 1L), ("apps", new List<object?> { "ml:Model", "img:Resize" }), ("state", "ready"), ("in_flight", 0L), ("last_heartbeat_ms", 1500L), ("rss_bytes", 1L)),
                Map(("pid", 902L), ("age", 2L), ("apps", new List<object?>()), ("state", "booting"), ("in_flight", 0L), ("last_heartbeat_ms", 20L), ("rss_bytes", null)),
            }),
            ("apps", new List<object?>
            {
                Map(("app", "ml:Model"), ("workers_limit", null), ("ready_pids", new List<object?> { 901L })),
                Map(("app", "img:Resize"), ("workers_limit", 1L), ("ready_pids", new List<object?>())),
            }));

        DirtyData data = DirtyStatusReader.FromStatus(status);
        data.Enabled.ShouldBeTrue();
        data.Pid.ShouldBe(900);
        data.TargetWorkers.ShouldBe(2);
        data.Count.ShouldBe(2);
        data.Workers[0].ShouldBe(data.Workers[0] with { Pid = 901, Age = 1, Booted = true, LastHeartbeat = 1.5 });
        data.Workers[0].Apps.ShouldBe(["ml:Model", "img:Resize"]);
        data.Workers[1].Booted.ShouldBeFalse();
        data.Apps[0].WorkerCount.ShouldBeNull();
        data.Apps[0].WorkerPids.ShouldBe([901]);
        data.Apps[0].CurrentWorkers.ShouldBe(1);
        data.Apps[1].WorkerCount.ShouldBe(1);
        data.Apps[1].CurrentWorkers.ShouldBe(0);
    }

    [Fact]
    public void Manage_reply_becomes_a_scale_result()
    {
        DirtyScaleResult added = DirtyStatusReader.FromManage(true, 2, Map(("spawned", 2L), ("reason", ""), ("target", 4L)));
        added.ShouldBe(new DirtyScaleResult(true, "add", 2, 2, 4, 4, null));

        DirtyScaleResult refused = DirtyStatusReader.FromManage(false, 3, Map(("removed", 0L), ("reason", "at the minimum"), ("target", 1L)), totalWorkers: 1);
        refused.ShouldBe(new DirtyScaleResult(false, "remove", 3, 0, 1, 1, "at the minimum"));

        DirtyStatusReader.FromManage(true, 1, null).Success.ShouldBeFalse();
        DirtyStatusReader.FromStatus(Map()).Workers.ShouldBeEmpty();
    }
}
