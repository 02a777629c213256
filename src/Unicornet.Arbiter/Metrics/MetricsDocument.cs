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
        foreach (RequestTotals.Cell c in scrape.Requests.Cells)
        {
            KeyValuePair<string, string>[] labels =
            [
                new("http_request_method", HttpMethodKinds.Name(c.Method)),
                new("http_response_status_code", c.Status.ToString(CultureInfo.InvariantCulture)),
            ];
            w.Histogram(duration, labels, RequestDurationBuckets.BoundsSeconds, c.Buckets, c.SumNanoseconds / 1e9);
        }

        w.Family("http_server_active_requests", ExpositionType.Gauge, "Number of active HTTP server requests.");
        w.Sample("http_server_active_requests", s_none, scrape.ActiveRequests);
        w.Family("unicornet_requests_total", ExpositionType.Counter, "Requests served by every worker since the master started, gone workers included.");
        w.Sample("unicornet_requests_total", s_none, scrape.RequestsServed);
    }

    private static void WriteWorkers(ExpositionWriter w, MetricsScrape scrape)
    {
        w.Family("unicornet_workers", ExpositionType.Gauge, "HTTP workers by state.");
        IReadOnlyList<WorkerFigures> workers = scrape.Workers;
        foreach (string state in s_states)
        {
            int inState = 0;
            for (int i = 0; i < workers.Count; i++)
            {
                inState += workers[i].State == state ? 1 : 0;
            }

            w.Sample("unicornet_workers", One("state", state), inState);
        }

        w.Family("unicornet_worker_restarts_total", ExpositionType.Counter, "Workers replaced, by reason.");
        foreach (RestartReason reason in MetricsRegistry.RestartReasons)
        {
            w.Sample("unicornet_worker_restarts_total", One("reason", ReasonLabel(reason)), scrape.Restarts[(int)reason]);
        }

        // Plain arrays and classes: generic code over our own structs would be JIT-compiled into the master.
        KeyValuePair<string, string>[][] pids = new KeyValuePair<string, string>[workers.Count][];
        long?[] rss = new long?[workers.Count];
        double?[] cpu = new double?[workers.Count];
        for (int i = 0; i < workers.Count; i++)
        {
            pids[i] = [new("pid", workers[i].Pid.ToString(CultureInfo.InvariantCulture))];
            rss[i] = ProcessInfo.ResidentBytes(workers[i].Pid);
            cpu[i] = ProcessInfo.CpuSeconds(workers[i].Pid);
        }

        w.Family("unicornet_worker_resident_memory_bytes", ExpositionType.Gauge, "Resident set size of each worker.");
        for (int i = 0; i < workers.Count; i++)
        {
            if (rss[i] is long bytes)
            {
                w.Sample("unicornet_worker_resident_memory_bytes", pids[i], bytes);
            }
        }

        w.Family("unicornet_worker_cpu_seconds_total", ExpositionType.Counter, "User and system CPU time of each worker.");
        for (int i = 0; i < workers.Count; i++)
        {
            if (cpu[i] is double seconds)
            {
                w.Sample("unicornet_worker_cpu_seconds_total", pids[i], seconds);
            }
        }

        w.Family("unicornet_worker_age_seconds", ExpositionType.Gauge, "Seconds since the master started each worker.");
        for (int i = 0; i < workers.Count; i++)
        {
            w.Sample("unicornet_worker_age_seconds", pids[i], Math.Round(workers[i].AgeSeconds, 3));
        }

        w.Family("unicornet_worker_requests_total", ExpositionType.Counter, "Requests each live worker served.");
        for (int i = 0; i < workers.Count; i++)
        {
            w.Sample("unicornet_worker_requests_total", pids[i], workers[i].Requests);
        }
    }

    private static void WriteDirty(ExpositionWriter w, IReadOnlyDictionary<string, object?> status)
    {
        var states = new Dictionary<string, int>(StringComparer.Ordinal) { ["booting"] = 0, ["ready"] = 0, ["stopping"] = 0 };
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
        string[] names = [.. states.Keys];
        Array.Sort(names, StringComparer.Ordinal);
        foreach (string name in names)
        {
            w.Sample("unicornet_dirty_workers", One("state", name), states[name]);
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

    /// <summary>
    /// A one-label set as a plain array: a collection expression passed as IReadOnlyList would be a compiler-made
    /// generic type over KeyValuePair, which ReadyToRun does not precompile, so every scrape path would JIT it.
    /// </summary>
    private static KeyValuePair<string, string>[] One(string name, string value) => [new(name, value)];

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
