using Unicornet.Supervision.Metrics;

namespace Unicornet.Workers.Tests.Metrics;

/// <summary>The per-worker metrics file: what a worker records is what the master reads, from another mapping.</summary>
public sealed class WorkerMetricsFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("unicornet-metrics-").FullName;

    [Fact]
    public void Requests_recorded_through_one_mapping_are_read_through_another()
    {
        string path = Path.Combine(_dir, "hb-1.metrics");
        using WorkerMetricsFile master = WorkerMetricsFile.Create(path);
        using WorkerMetricsFile worker = WorkerMetricsFile.TryOpen(path).ShouldNotBeNull();
        worker.RequestStarted();
        worker.RequestStarted();
        worker.RequestEnded();
        Parallel.For(0, 1000, i => worker.RecordRequest(i % 2 == 0 ? HttpMethodKind.Get : HttpMethodKind.Post, i % 4 == 0 ? 200 : 404, i * 1_000_000L));
        worker.ExitReason = WorkerExitReason.MaxRequests;

        var seen = new Dictionary<(HttpMethodKind, int), (long Count, long Sum)>();
        master.ReadRequests((m, s, buckets, sum) =>
        {
            long count = 0;
            foreach (long b in buckets)
            {
                count += b;
            }

            seen[(m, s)] = (count, sum);
        });

        seen.Values.Sum(v => v.Count).ShouldBe(1000);
        seen[(HttpMethodKind.Get, 200)].Count.ShouldBe(250);
        seen[(HttpMethodKind.Get, 404)].Count.ShouldBe(250);
        seen[(HttpMethodKind.Post, 404)].Count.ShouldBe(500);
        seen.Values.Sum(v => v.Sum).ShouldBe(Enumerable.Range(0, 1000).Sum(i => i * 1_000_000L));
        master.ActiveRequests.ShouldBe(1);
        master.ExitReason.ShouldBe(WorkerExitReason.MaxRequests);
    }

    [Fact]
    public void Durations_fall_into_the_otel_buckets_with_inclusive_upper_bounds()
    {
        RequestDurationBuckets.IndexOf(0).ShouldBe(0);
        RequestDurationBuckets.IndexOf(5_000_000).ShouldBe(0);
        RequestDurationBuckets.IndexOf(5_000_001).ShouldBe(1);
        RequestDurationBuckets.IndexOf(10_000_000_000).ShouldBe(13);
        RequestDurationBuckets.IndexOf(10_000_000_001).ShouldBe(14);
        RequestDurationBuckets.BoundsSeconds.Count.ShouldBe(RequestDurationBuckets.Count - 1);
    }

    [Fact]
    public void A_published_meter_block_round_trips()
    {
        string path = Path.Combine(_dir, "hb-2.metrics");
        using WorkerMetricsFile master = WorkerMetricsFile.Create(path);
        using WorkerMetricsFile worker = WorkerMetricsFile.TryOpen(path).ShouldNotBeNull();
        master.ReadMeters().ShouldBeEmpty();
        MeterInstrument counter = new("Shop", "shop.orders", "{order}", "Orders.", MeterInstrumentKind.Counter, [], [new MeterSeries([new("shop", "main")], 42, [])]);
        MeterInstrument histogram = new("Shop", "shop.latency", "s", "", MeterInstrumentKind.Histogram, [0.1, 1], [new MeterSeries([], 3.5, [1, 2, 3])]);
        worker.PublishMeters(MeterBlock.Encode([counter, histogram])).ShouldBeTrue();

        IReadOnlyList<MeterInstrument> read = MeterBlock.Decode(master.ReadMeters().ShouldNotBeNull());
        read.Count.ShouldBe(2);
        read[0].Name.ShouldBe("shop.orders");
        read[0].Series[0].Value.ShouldBe(42);
        read[0].Series[0].Tags.ShouldBe([new KeyValuePair<string, string>("shop", "main")]);
        read[1].Bounds.ShouldBe([0.1, 1]);
        read[1].Series[0].Counts.ShouldBe([1L, 2, 3]);
        MeterBlock.Decode([1, 2, 3, 4, 5, 6, 7, 8, 9]).ShouldBeEmpty();
    }

    [Fact]
    public void A_file_that_is_not_a_metrics_file_is_refused()
    {
        string path = Path.Combine(_dir, "other");
        File.WriteAllBytes(path, new byte[WorkerMetricsFile.Size]);
        WorkerMetricsFile.TryOpen(path).ShouldBeNull();
        WorkerMetricsFile.TryOpen(Path.Combine(_dir, "missing")).ShouldBeNull();
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
