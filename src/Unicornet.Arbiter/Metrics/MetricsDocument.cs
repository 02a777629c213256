using System.Collections;
using System.Globalization;
using Unicornet.Platform;
using Unicornet.Supervision.Metrics;

namespace Unicornet.Arbitration;

/// <summary>
/// Renders a scrape: the request metrics under OpenTelemetry's HTTP names, the server's <c>unicornet_</c>
/// metrics, and the app's meters. Reads /proc for each worker's RSS and CPU, the listeners' accept queues,
/// and the dirty arbiter's status; none of it on the main loop.
/// </summary>
internal static class MetricsDocument
{
    private static readonly KeyValuePair<string, string>[] s_none = [];
    private static readonly string[] s_states = ["booting", "ready", "stopping"];

    public static string Render(MetricsScrape scrape, bool openMetrics, int? backlog, IReadOnlyDictionary<string, object?>? dirty)
    {
        var w = new ExpositionWriter(openMetrics);
        WriteRequests(w, scrape);
        WriteWorkers(w, scrape);
        w.Family("unicornet_reloads_total", ExpositionType.Counter, "Reloads (HUP, the reload watch, the control socket) since the master started.");
        w.Sample("unicornet_reloads_total", s_none, scrape.Reloads);
        if (backlog is int queued)
        {
            w.Family("unicornet_listen_backlog", ExpositionType.Gauge, "Connections waiting in the listeners' accept queues, as the kernel reports them.");
            w.Sample("unicornet_listen_backlog", s_none, queued);
        }

        if (dirty is not null)
        {
            WriteDirty(w, dirty);
        }

        WriteMeters(w, scrape.Meters);
        return w.Finish();
    }

    private static void WriteRequests(ExpositionWriter w, MetricsScrape scrape)
    {
        const string duration = "http_server_request_duration_seconds";
        w.Family(duration, ExpositionType.Histogram, "Duration of HTTP server requests.");
        foreach (KeyValuePair<(HttpMethodKind Method, int Status), RequestTotals.Cell> c in scrape.Requests.Cells)
        {
            KeyValuePair<string, string>[] labels =
            [
                new("http_request_method", HttpMethodKinds.Name(c.Key.Method)),
                new("http_response_status_code", c.Key.Status.ToString(CultureInfo.InvariantCulture)),
            ];
            w.Histogram(duration, labels, RequestDurationBuckets.BoundsSeconds, c.Value.Buckets, c.Value.SumNanoseconds / 1e9);
        }

        w.Family("http_server_active_requests", ExpositionType.Gauge, "Number of active HTTP server requests.");
        w.Sample("http_server_active_requests", s_none, scrape.ActiveRequests);
        w.Family("unicornet_requests_total", ExpositionType.Counter, "Requests served by every worker since the master started, gone workers included.");
        w.Sample("unicornet_requests_total", s_none, scrape.RequestsServed);
    }

    private static void WriteWorkers(ExpositionWriter w, MetricsScrape scrape)
    {
        w.Family("unicornet_workers", ExpositionType.Gauge, "HTTP workers by state.");
        foreach (string state in s_states)
        {
            w.Sample("unicornet_workers", [new("state", state)], scrape.Workers.Count(x => x.State == state));
        }

        w.Family("unicornet_worker_restarts_total", ExpositionType.Counter, "Workers replaced, by reason.");
        foreach (RestartReason reason in Enum.GetValues<RestartReason>())
        {
            w.Sample("unicornet_worker_restarts_total", [new("reason", ReasonLabel(reason))], scrape.Restarts[(int)reason]);
        }

        var figures = scrape.Workers.Select(x => (x, Pid: new KeyValuePair<string, string>[] { new("pid", x.Pid.ToString(CultureInfo.InvariantCulture)) }, Rss: ProcessInfo.ResidentBytes(x.Pid), Cpu: ProcessInfo.CpuSeconds(x.Pid))).ToList();
        w.Family("unicornet_worker_resident_memory_bytes", ExpositionType.Gauge, "Resident set size of each worker.");
        foreach (var f in figures.Where(f => f.Rss is not null))
        {
            w.Sample("unicornet_worker_resident_memory_bytes", f.Pid, f.Rss!.Value);
        }

        w.Family("unicornet_worker_cpu_seconds_total", ExpositionType.Counter, "User and system CPU time of each worker.");
        foreach (var f in figures.Where(f => f.Cpu is not null))
        {
            w.Sample("unicornet_worker_cpu_seconds_total", f.Pid, f.Cpu!.Value);
        }

        w.Family("unicornet_worker_age_seconds", ExpositionType.Gauge, "Seconds since the master started each worker.");
        foreach (var f in figures)
        {
            w.Sample("unicornet_worker_age_seconds", f.Pid, Math.Round(f.x.AgeSeconds, 3));
        }

        w.Family("unicornet_worker_requests_total", ExpositionType.Counter, "Requests each live worker served.");
        foreach (var f in figures)
        {
            w.Sample("unicornet_worker_requests_total", f.Pid, f.x.Requests);
        }
    }

    private static void WriteDirty(ExpositionWriter w, IReadOnlyDictionary<string, object?> status)
    {
        var states = new SortedDictionary<string, int>(StringComparer.Ordinal) { ["booting"] = 0, ["ready"] = 0, ["stopping"] = 0 };
        if (status.TryGetValue("workers", out object? list) && list is IEnumerable items and not string)
        {
            foreach (object? item in items)
            {
                if (item is IReadOnlyDictionary<string, object?> worker && worker.TryGetValue("state", out object? s) && s is string state)
                {
                    states[state] = states.GetValueOrDefault(state) + 1;
                }
            }
        }

        w.Family("unicornet_dirty_workers", ExpositionType.Gauge, "Dirty workers by state.");
        foreach (KeyValuePair<string, int> s in states)
        {
            w.Sample("unicornet_dirty_workers", [new("state", s.Key)], s.Value);
        }

        w.Family("unicornet_stash_tables", ExpositionType.Gauge, "Stash tables the dirty arbiter holds.");
        w.Sample("unicornet_stash_tables", s_none, Number(status, "stash_tables"));
        w.Family("unicornet_stash_keys", ExpositionType.Gauge, "Keys over every stash table.");
        w.Sample("unicornet_stash_keys", s_none, Number(status, "stash_keys"));
    }

    private static void WriteMeters(ExpositionWriter w, MeterTotals meters)
    {
        foreach (MeterTotals.Family f in meters.Families)
        {
            w.Family(f.Name, f.Kind switch
            {
                MeterInstrumentKind.Counter => ExpositionType.Counter,
                MeterInstrumentKind.Histogram => ExpositionType.Histogram,
                _ => ExpositionType.Gauge,
            }, f.Help);
            foreach (MeterTotals.Series s in f.Series)
            {
                if (f.Kind == MeterInstrumentKind.Histogram)
                {
                    w.Histogram(f.Name, s.Labels, f.Bounds, s.Counts, s.Value);
                }
                else
                {
                    w.Sample(f.Name, s.Labels, s.Value);
                }
            }
        }
    }

    private static string ReasonLabel(RestartReason reason) => reason switch
    {
        RestartReason.Timeout => "timeout",
        RestartReason.Memory => "memory",
        RestartReason.MaxRequests => "max_requests",
        RestartReason.Crash => "crash",
        _ => "reload",
    };

    private static double Number(IReadOnlyDictionary<string, object?> map, string key) =>
        map.TryGetValue(key, out object? v) && v is not null ? Convert.ToDouble(v, CultureInfo.InvariantCulture) : 0;
}
