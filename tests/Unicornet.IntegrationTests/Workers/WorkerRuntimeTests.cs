using Unicornet.IntegrationTests.Support;
using Unicornet.Platform;
using Unicornet.Supervision;

namespace Unicornet.IntegrationTests.Workers;

/// <summary>
/// The runtime settings a worker process gets from the master through its environment, read back from the
/// running worker's /proc/PID/environ.
/// </summary>
[Collection("arbiter")]
public sealed class WorkerRuntimeTests
{
    private const string SpinLimit = "DOTNET_ThreadPool_UnfairSemaphoreSpinLimit";

    [Fact]
    public async Task A_kestrel_worker_gets_thread_pool_spinning_off_and_an_engine_worker_does_not()
    {
        using (ServerProcess kestrel = await ServerProcess.StartAsync(["-k", "kestrel", "-w", "1", "--no-control-socket", Examples.Dll("HelloApp") + ":App"]))
        {
            kestrel.WaitServing(1);
            EnvironmentOf(kestrel.WorkerPids()[0]).GetValueOrDefault(SpinLimit).ShouldBe("0");
        }

        using ServerProcess sync = await ServerProcess.StartAsync(["-k", "sync", "-w", "1", "--no-control-socket", Examples.Dll("HelloApp") + ":App"]);
        sync.WaitServing(1);
        EnvironmentOf(sync.WorkerPids()[0]).ContainsKey(SpinLimit).ShouldBeFalse();
    }

    [Fact]
    public async Task A_spin_limit_the_operator_set_reaches_the_kestrel_worker_unchanged()
    {
        using ServerProcess server = await ServerProcess.StartAsync(
            ["-k", "kestrel", "-w", "1", "--no-control-socket", Examples.Dll("HelloApp") + ":App"],
            env: new Dictionary<string, string?> { [SpinLimit] = "30" });
        server.WaitServing(1);
        EnvironmentOf(server.WorkerPids()[0]).GetValueOrDefault(SpinLimit).ShouldBe("30");
    }

    [Fact]
    public async Task A_worker_gets_the_small_gen0_budget_and_no_tiered_pgo_unless_the_operator_set_them()
    {
        const string Gen0 = "DOTNET_GCgen0size";
        const string Pgo = "DOTNET_TieredPGO";
        using (ServerProcess plain = await ServerProcess.StartAsync(
            ["-k", "async", "-w", "1", "--no-control-socket", Examples.Dll("HelloApp") + ":App"],
            env: new Dictionary<string, string?> { [Gen0] = null, [Pgo] = null }))
        {
            plain.WaitServing(1);
            Dictionary<string, string> env = EnvironmentOf(plain.WorkerPids()[0]);
            env.GetValueOrDefault(Gen0).ShouldBe("0x200000");
            env.GetValueOrDefault(Pgo).ShouldBe("0");
        }

        using ServerProcess tuned = await ServerProcess.StartAsync(
            ["-k", "async", "-w", "1", "--no-control-socket", Examples.Dll("HelloApp") + ":App"],
            env: new Dictionary<string, string?> { [Gen0] = "0x1000000", [Pgo] = "1" });
        tuned.WaitServing(1);
        Dictionary<string, string> tunedEnv = EnvironmentOf(tuned.WorkerPids()[0]);
        tunedEnv.GetValueOrDefault(Gen0).ShouldBe("0x1000000");
        tunedEnv.GetValueOrDefault(Pgo).ShouldBe("1");
    }

    [Fact]
    public async Task Async_workers_share_the_cores_among_their_socket_engines_unless_the_operator_set_the_count()
    {
        const string Engines = "DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT";
        int cores = Environment.ProcessorCount;
        using (ServerProcess two = await ServerProcess.StartAsync(
            ["-k", "async", "-w", "2", "--no-control-socket", Examples.Dll("HelloApp") + ":App"],
            env: new Dictionary<string, string?> { [Engines] = null }))
        {
            two.WaitServing(2);
            WaitForEngines(two);
            foreach (int pid in two.WorkerPids())
            {
                SocketEngineThreads(pid).ShouldBe(Math.Max(1, cores / 2), $"worker {pid} of 2 on {cores} cores");
            }
        }

        using (ServerProcess one = await ServerProcess.StartAsync(
            ["-k", "async", "-w", "1", "--no-control-socket", Examples.Dll("HelloApp") + ":App"],
            env: new Dictionary<string, string?> { [Engines] = null }))
        {
            one.WaitServing(1);
            WaitForEngines(one);
            SocketEngineThreads(one.WorkerPids()[0]).ShouldBe(cores, $"a lone worker on {cores} cores");
        }

        using ServerProcess set = await ServerProcess.StartAsync(
            ["-k", "async", "-w", "2", "--no-control-socket", Examples.Dll("HelloApp") + ":App"],
            env: new Dictionary<string, string?> { [Engines] = "3" });
        set.WaitServing(2);
        WaitForEngines(set);
        foreach (int pid in set.WorkerPids())
        {
            SocketEngineThreads(pid).ShouldBe(3, $"worker {pid}, with the operator's count");
        }
    }

    [Fact]
    public async Task A_worker_started_after_ttin_shares_the_cores_with_as_many_workers_as_the_master_keeps()
    {
        const string Engines = "DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT";
        int cores = Environment.ProcessorCount;
        using ServerProcess server = await ServerProcess.StartAsync(
            ["-k", "async", "-w", "1", "--no-control-socket", Examples.Dll("HelloApp") + ":App"],
            env: new Dictionary<string, string?> { [Engines] = null });
        server.WaitServing(1);
        WaitForEngines(server);
        int first = server.WorkerPids().Single();
        SocketEngineThreads(first).ShouldBe(cores, $"the one configured worker on {cores} cores");

        server.Signal(Signals.SIGTTIN);
        server.WaitServing(2);
        WaitForEngines(server);
        int added = server.WorkerPids().Single(pid => pid != first);

        // The configured count is still 1; the master keeps 2 since TTIN, and tells the new worker so.
        SocketEngineThreads(added).ShouldBe(Math.Max(1, cores / 2), $"worker {added}, started as the second of 2 on {cores} cores");
        EnvironmentOf(added).GetValueOrDefault(WorkerEnvironment.WorkerCount).ShouldBe("2");
        SocketEngineThreads(first).ShouldBe(cores, "an engine count is fixed when the runtime starts, so the first worker keeps its own");
    }

    /// <summary>A worker counted as running may still be starting its accept loop, which starts the engines.</summary>
    private static void WaitForEngines(ServerProcess server) =>
        server.WaitFor(() => server.WorkerPids().All(pid => SocketEngineThreads(pid) > 0), TimeSpan.FromSeconds(30), "socket engines in every worker");

    /// <summary>
    /// The runtime names each socket engine's poll thread ".NET Sockets"; they all start with the first asynchronous
    /// socket operation, which a serving worker has done (its accept loop).
    /// </summary>
    private static int SocketEngineThreads(int pid) =>
        Directory.GetDirectories($"/proc/{pid}/task").Count(task => ThreadName(task) == ".NET Sockets");

    /// <summary>A thread's name, or null when it ended since its task directory was listed (pool threads retire).</summary>
    private static string? ThreadName(string taskDirectory)
    {
        try
        {
            return File.ReadAllText(Path.Combine(taskDirectory, "comm")).TrimEnd('\n');
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static Dictionary<string, string> EnvironmentOf(int pid)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string entry in File.ReadAllText($"/proc/{pid}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = entry.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                env[entry[..eq]] = entry[(eq + 1)..];
            }
        }

        return env;
    }
}
