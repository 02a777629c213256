using System.Diagnostics;
using System.Globalization;
using Unicornet.Dirty.Client;

namespace Unicornet.Dirty.Tests.Infrastructure;

/// <summary>
/// Hand-run measurements (not a test): <c>UNICORNET_ROLE=dirty-bench dotnet exec Unicornet.Dirty.Tests.dll</c>.
/// <c>DIRTY_BENCH=latency,pool,stash,gunicorn</c> picks sections (default: all); <c>DIRTY_BENCH_WORKERS</c> sizes the
/// first pool (default 4); <c>DIRTY_BENCH_ROUNDS</c>
/// repeats each measurement (default 3) since a shared machine makes single runs noisy.
/// Optional <c>DIRTY_BENCH_MODEL=/path/DirtyModel.dll</c> adds the per-app allocation memory comparison.
/// </summary>
internal static class Bench
{
    public const string Role = "dirty-bench";

    private static readonly TimeSpan s_window = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_warmup = TimeSpan.FromSeconds(1);

    public static int Run()
    {
        RunAsync().GetAwaiter().GetResult();
        return 0;
    }

    private static async Task RunAsync()
    {
        string[] sections = (Environment.GetEnvironmentVariable("DIRTY_BENCH") is { Length: > 0 } s ? s : "latency,pool,stash,gunicorn").Split(',');
        int rounds = int.TryParse(Environment.GetEnvironmentVariable("DIRTY_BENCH_ROUNDS"), out int r) ? r : 3;
        if (sections.Contains("latency") || sections.Contains("pool") || sections.Contains("stash"))
        {
            int workers = int.TryParse(Environment.GetEnvironmentVariable("DIRTY_BENCH_WORKERS"), out int w) ? w : 4;
            await using DirtyCluster cluster = await DirtyCluster.StartAsync(workers: workers, threads: 64, timeout: 60, apps: [TestConfig.EchoApp]);
            DirtyClient client = cluster.NewClient();
            int[] pids = await ClusterPidsAsync(cluster);
            if (sections.Contains("latency"))
            {
                // Long enough for tiered compilation to settle in every process.
                var warmup = Stopwatch.StartNew();
                while (warmup.Elapsed < TimeSpan.FromSeconds(3))
                {
                    await client.ExecuteAsync<object>(TestConfig.EchoApp, "Nothing");
                    await client.Stash.PutAsync("bench", "k", 1);
                }

                for (int round = 0; round < rounds; round++)
                {
                    var samples = new double[20000];
                    TimeSpan client0 = CpuTime(pids[..1]), arbiter0 = CpuTime(pids[1..2]), workers0 = CpuTime(pids[2..]);
                    long switches0 = VoluntarySwitches(pids);
                    for (int i = 0; i < samples.Length; i++)
                    {
                        long start = Stopwatch.GetTimestamp();
                        await client.ExecuteAsync<object>(TestConfig.EchoApp, "Nothing");
                        samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
                    }

                    double clientCpu = (CpuTime(pids[..1]) - client0).TotalMicroseconds / samples.Length;
                    double arbiterCpu = (CpuTime(pids[1..2]) - arbiter0).TotalMicroseconds / samples.Length;
                    double workersCpu = (CpuTime(pids[2..]) - workers0).TotalMicroseconds / samples.Length;
                    double switches = (VoluntarySwitches(pids) - switches0) / (double)samples.Length;
                    Array.Sort(samples);
                    Console.WriteLine(Invariant($"no-op round trip: p50 {samples[samples.Length / 2]:0.0} us, p99 {samples[samples.Length * 99 / 100]:0.0} us, max {samples[^1]:0.0} us ({samples.Length} sequential calls; CPU per call {clientCpu + arbiterCpu + workersCpu:0} us: client {clientCpu:0}, arbiter {arbiterCpu:0}, workers {workersCpu:0}; {switches:0.0} voluntary context switches per call)"));
                }

                for (int round = 0; round < rounds; round++)
                {
                    await client.Stash.PutAsync("bench", "k", 1);
                    var samples = new double[20000];
                    TimeSpan client0 = CpuTime(pids[..1]), arbiter0 = CpuTime(pids[1..2]);
                    for (int i = 0; i < samples.Length; i++)
                    {
                        long start = Stopwatch.GetTimestamp();
                        await client.Stash.GetAsync<int>("bench", "k");
                        samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
                    }

                    double clientCpu = (CpuTime(pids[..1]) - client0).TotalMicroseconds / samples.Length;
                    double arbiterCpu = (CpuTime(pids[1..2]) - arbiter0).TotalMicroseconds / samples.Length;
                    Array.Sort(samples);
                    Console.WriteLine(Invariant($"stash get round trip (one hop, for comparison): p50 {samples[samples.Length / 2]:0.0} us, p99 {samples[samples.Length * 99 / 100]:0.0} us (CPU per call: client {clientCpu:0} us, arbiter {arbiterCpu:0} us)"));
                }
            }

            if (sections.Contains("pool"))
            {
                Console.WriteLine(Invariant($"10 ms tasks, {workers} dirty workers x 64 threads, 200 callers: {await ThroughputAsync(200, () => client.ExecuteAsync<string>(TestConfig.EchoApp, "BlockingSleep", 10, "x")):0} req/s"));
                Console.WriteLine(Invariant($"10 ms async tasks, same pool, 200 callers: {await ThroughputAsync(200, () => client.ExecuteAsync<string>(TestConfig.EchoApp, "SleepAsync", 10, "x")):0} req/s"));
            }

            if (sections.Contains("stash"))
            {
                foreach (int callers in new[] { 1, 32 })
                {
                    for (int round = 0; round < rounds; round++)
                    {
                        var clock = Stopwatch.StartNew();
                        int ops = 0;
                        await Task.WhenAll(Enumerable.Range(0, callers).Select(async c =>
                        {
                            int i = 0;
                            while (clock.Elapsed < TimeSpan.FromSeconds(5))
                            {
                                string key = "k" + (i++ % 1000).ToString(CultureInfo.InvariantCulture);
                                await client.Stash.PutAsync("bench", key, i);
                                await client.Stash.GetAsync<int>("bench", key);
                                Interlocked.Add(ref ops, 2);
                            }
                        }));
                        Console.WriteLine(Invariant($"stash put+get, {callers} caller(s): {ops / clock.Elapsed.TotalSeconds:0} ops/s"));
                    }
                }
            }
        }

        if (sections.Contains("gunicorn"))
        {
            await using DirtyCluster cluster = await DirtyCluster.StartAsync(workers: 4, threads: 1, timeout: 60, apps: [TestConfig.EchoApp]);
            DirtyClient client = cluster.NewClient();
            for (int round = 0; round < rounds; round++)
            {
                // The sleep floor is measured during the same window: it moves with the machine's load.
                Task<double> floor = Task.Factory.StartNew(() => MeasureSleep(4, 10, s_warmup + s_window), TaskCreationOptions.LongRunning);
                double rate = await ThroughputAsync(200, () => client.ExecuteAsync<string>(TestConfig.EchoApp, "BlockingSleep", 10, "x"));
                double sleep = await floor;
                Console.WriteLine(Invariant($"10 ms tasks, 4 dirty workers x 1 thread (gunicorn's effective setup), 200 callers: {rate:0} req/s (Thread.Sleep(10) takes {sleep:0.000} ms here: ideal {4000 / sleep:0} req/s, reached {rate * sleep / 40:0.0} %)"));
            }
        }

        if (Environment.GetEnvironmentVariable("DIRTY_BENCH_MODEL") is { Length: > 0 } model)
        {
            foreach (string suffix in new[] { ":1", "" })
            {
                string app = model + ":DirtyModel.ModelApp" + suffix;
                await using DirtyCluster cluster = await DirtyCluster.StartAsync(workers: 3, threads: 4, timeout: 120, apps: [app]);
                DirtyClient client = cluster.NewClient();
                var stats = await client.ExecuteAsync<Dictionary<string, object>>("ModelApp", "Stats");
                GC.KeepAlive(stats);
                long total = 0;
                var parts = new List<string>();
                foreach (Dictionary<string, object?> w in await cluster.WorkersAsync())
                {
                    int pid = (int)(long)w["pid"]!;
                    long pss = Pss(pid);
                    total += pss;
                    parts.Add(Invariant($"{pid}:{((List<object?>)w["apps"]!).Count} app(s) {pss / 1024.0 / 1024:0.0} MiB"));
                }

                Console.WriteLine(Invariant($"dirty_apps = {Path.GetFileName(model)}:ModelApp{suffix}: dirty workers PSS total {total / 1024.0 / 1024:0.0} MiB [{string.Join(", ", parts)}]"));
            }
        }
    }

    /// <summary>
    /// Completed calls per second over a steady window: callers run through a warm-up first (JIT, queues
    /// filling) and keep running until the window closes, so neither start-up nor the final drain counts.
    /// </summary>
    private static async Task<double> ThroughputAsync(int callers, Func<Task> call)
    {
        int done = 0;
        bool stop = false;
        Task all = Task.WhenAll(Enumerable.Range(0, callers).Select(async _ =>
        {
            while (!Volatile.Read(ref stop))
            {
                await call();
                Interlocked.Increment(ref done);
            }
        }));
        await Task.Delay(s_warmup);
        int first = Volatile.Read(ref done);
        long start = Stopwatch.GetTimestamp();
        await Task.Delay(s_window);
        int last = Volatile.Read(ref done);
        TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
        Volatile.Write(ref stop, true);
        await all;
        return (last - first) / elapsed.TotalSeconds;
    }

    /// <summary>Mean wall time of <c>Thread.Sleep(ms)</c> on <paramref name="threads"/> threads at once: the floor under a blocking action.</summary>
    private static double MeasureSleep(int threads, int ms, TimeSpan duration)
    {
        long total = 0;
        int count = 0;
        var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() =>
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < duration)
            {
                long start = Stopwatch.GetTimestamp();
                Thread.Sleep(ms);
                Interlocked.Add(ref total, Stopwatch.GetTimestamp() - start);
                Interlocked.Increment(ref count);
            }
        })).ToList();
        workers.ForEach(t => t.Start());
        workers.ForEach(t => t.Join());
        return total * 1000.0 / Stopwatch.Frequency / count;
    }

    private static async Task<int[]> ClusterPidsAsync(DirtyCluster cluster)
    {
        var pids = new List<int> { Environment.ProcessId, (int)(long)(await cluster.StatusAsync())["pid"]! };
        foreach (Dictionary<string, object?> w in await cluster.WorkersAsync())
        {
            pids.Add((int)(long)w["pid"]!);
        }

        return pids.ToArray();
    }

    /// <summary>User + system CPU time of the given processes, from /proc/pid/stat.</summary>
    private static TimeSpan CpuTime(int[] pids)
    {
        long ticks = 0;
        foreach (int pid in pids)
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');

            // utime and stime are fields 14 and 15 of the line; the split starts at field 3.
            ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }

        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    /// <summary>Times any thread of the given processes went to sleep: each is a wake-up some call waited for or paid for.</summary>
    private static long VoluntarySwitches(int[] pids)
    {
        long n = 0;
        foreach (int pid in pids)
        {
            foreach (string task in Directory.GetDirectories($"/proc/{pid}/task"))
            {
                try
                {
                    foreach (string line in File.ReadLines(Path.Combine(task, "status")))
                    {
                        if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal))
                        {
                            n += long.Parse(line.AsSpan("voluntary_ctxt_switches:".Length).Trim(), CultureInfo.InvariantCulture);
                        }
                    }
                }
                catch (IOException)
                {
                    // The thread exited meanwhile.
                }
            }
        }

        return n;
    }

    private static long Pss(int pid)
    {
        foreach (string line in File.ReadLines($"/proc/{pid}/smaps_rollup"))
        {
            if (line.StartsWith("Pss:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
