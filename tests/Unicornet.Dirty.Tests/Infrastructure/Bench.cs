using System.Diagnostics;
using System.Globalization;
using Unicornet.Dirty.Client;

namespace Unicornet.Dirty.Tests.Infrastructure;

/// <summary>
/// Hand-run measurements (not a test): <c>UNICORNET_ROLE=dirty-bench dotnet exec Unicornet.Dirty.Tests.dll</c>.
/// Optional <c>DIRTY_BENCH_MODEL=/path/DirtyModel.dll</c> adds the per-app allocation memory comparison.
/// </summary>
internal static class Bench
{
    public const string Role = "dirty-bench";

    public static int Run()
    {
        RunAsync().GetAwaiter().GetResult();
        return 0;
    }

    private static async Task RunAsync()
    {
        await using (DirtyCluster cluster = await DirtyCluster.StartAsync(workers: 4, threads: 64, timeout: 60, apps: [TestConfig.EchoApp]))
        {
            DirtyClient client = cluster.NewClient();
            for (int i = 0; i < 2000; i++)
            {
                await client.ExecuteAsync<object>(TestConfig.EchoApp, "Nothing");
            }

            var samples = new double[20000];
            for (int i = 0; i < samples.Length; i++)
            {
                long start = Stopwatch.GetTimestamp();
                await client.ExecuteAsync<object>(TestConfig.EchoApp, "Nothing");
                samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            }

            Array.Sort(samples);
            Console.WriteLine(Invariant($"no-op round trip: p50 {samples[samples.Length / 2]:0.0} us, p99 {samples[samples.Length * 99 / 100]:0.0} us, max {samples[^1]:0.0} us ({samples.Length} sequential calls)"));

            // 200 concurrent callers, each call blocks its dirty thread for 10 ms, 4 dirty workers.
            var clock = Stopwatch.StartNew();
            int done = 0;
            var deadline = TimeSpan.FromSeconds(10);
            await Task.WhenAll(Enumerable.Range(0, 200).Select(async _ =>
            {
                while (clock.Elapsed < deadline)
                {
                    await client.ExecuteAsync<string>(TestConfig.EchoApp, "BlockingSleep", 10, "x");
                    Interlocked.Increment(ref done);
                }
            }));
            Console.WriteLine(Invariant($"10 ms tasks, 4 dirty workers x 64 threads, 200 callers: {done / clock.Elapsed.TotalSeconds:0} req/s"));

            clock.Restart();
            done = 0;
            await Task.WhenAll(Enumerable.Range(0, 200).Select(async _ =>
            {
                while (clock.Elapsed < deadline)
                {
                    await client.ExecuteAsync<string>(TestConfig.EchoApp, "SleepAsync", 10, "x");
                    Interlocked.Increment(ref done);
                }
            }));
            Console.WriteLine(Invariant($"10 ms async tasks, same pool, 200 callers: {done / clock.Elapsed.TotalSeconds:0} req/s"));

            foreach (int callers in new[] { 1, 32 })
            {
                clock.Restart();
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

        await using (DirtyCluster cluster = await DirtyCluster.StartAsync(workers: 4, threads: 1, timeout: 60, apps: [TestConfig.EchoApp]))
        {
            DirtyClient client = cluster.NewClient();
            var clock = Stopwatch.StartNew();
            int done = 0;
            await Task.WhenAll(Enumerable.Range(0, 200).Select(async _ =>
            {
                while (clock.Elapsed < TimeSpan.FromSeconds(10))
                {
                    await client.ExecuteAsync<string>(TestConfig.EchoApp, "BlockingSleep", 10, "x");
                    Interlocked.Increment(ref done);
                }
            }));
            Console.WriteLine(Invariant($"10 ms tasks, 4 dirty workers x 1 thread (gunicorn's effective setup), 200 callers: {done / clock.Elapsed.TotalSeconds:0} req/s"));
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
