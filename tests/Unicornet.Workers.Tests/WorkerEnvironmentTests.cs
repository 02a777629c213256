using Unicornet.Supervision;

namespace Unicornet.Workers.Tests;

/// <summary>The master writes the worker's start-up environment and the worker reads it back: one contract.</summary>
public sealed class WorkerEnvironmentTests
{
    [Fact]
    public void What_the_master_writes_the_worker_reads()
    {
        var start = new WorkerStart("/run/snap.json", "3,4", 7, "/run/hb-7", 1234, "1", Workers: 5);
        var env = new Dictionary<string, string?>();
        WorkerEnvironment.Write(env, start);

        WorkerEnvironment.Read(name => env.GetValueOrDefault(name), parentPid: 99).ShouldBe(start);
        start.OnlyCheckApp.ShouldBeTrue();
    }

    [Fact]
    public void A_worker_started_by_hand_gets_defaults_for_what_is_missing()
    {
        var env = new Dictionary<string, string?> { [WorkerEnvironment.Config] = "/tmp/snap.json", [WorkerEnvironment.Age] = "x", [WorkerEnvironment.WorkerCount] = "-2" };

        WorkerStart read = WorkerEnvironment.Read(name => env.GetValueOrDefault(name), parentPid: 99)!;
        read.ShouldBe(new WorkerStart("/tmp/snap.json", "", 0, null, 99, null));
        read.OnlyCheckApp.ShouldBeFalse();
    }

    [Fact]
    public void An_unknown_worker_count_removes_one_the_master_inherited()
    {
        var env = new Dictionary<string, string?> { [WorkerEnvironment.WorkerCount] = "8" };
        WorkerEnvironment.Write(env, new WorkerStart("/run/snap", "", 1, null, 1234));

        env.ShouldNotContainKey(WorkerEnvironment.WorkerCount);
        WorkerEnvironment.Read(name => env.GetValueOrDefault(name), parentPid: 99)!.Workers.ShouldBe(0);
    }

    [Fact]
    public void Without_a_config_snapshot_there_is_no_worker_start()
    {
        WorkerEnvironment.Read(_ => null, parentPid: 99).ShouldBeNull();
    }
}
