using System.Diagnostics;
using System.Globalization;
using System.Net.Http;
using System.Text.Json;
using Unicornet.IntegrationTests.Support;
using Unicornet.Platform;

namespace Unicornet.IntegrationTests.Metrics;

/// <summary>
/// <c>metrics_bind</c> (issue 14, part 1): the master's <c>/metrics</c>, <c>/healthz</c> and <c>/readyz</c>, checked
/// with promtool and a real Prometheus server, and the counters' totals across worker deaths, recycles and reloads.
/// </summary>
[Collection("arbiter")]
public sealed class MetricsEndpointTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Promtool_accepts_the_exposition_and_openmetrics_is_negotiated()
    {
        if (RequiredTool.Find("promtool", "prometheus") is not { } promtool)
        {
            return;
        }

        var metrics = new MetricsClient();
        using var server = new ServerProcess();
        server.Start("-w", "2", "-k", "async", "--metrics-bind", metrics.Address);
        server.WaitServing(2);
        for (int i = 0; i < 5; i++)
        {
            server.TryGet("/", out _).ShouldBe(200);
        }

        server.TryGet("/missing-is-fine", out _).ShouldBe(200);
        string text = metrics.Scrape();
        text.ShouldContain("# TYPE http_server_request_duration_seconds histogram");
        text.ShouldContain("http_server_request_duration_seconds_bucket{http_request_method=\"GET\",http_response_status_code=\"200\",le=\"+Inf\"}");
        text.ShouldContain("# TYPE unicornet_worker_restarts_total counter");
        MetricsClient.Count(text, "unicornet_worker_resident_memory_bytes").ShouldBe(2);
        MetricsClient.Count(text, "unicornet_worker_cpu_seconds_total").ShouldBe(2);
        MetricsClient.Sum(text, "unicornet_workers", "state=\"ready\"").ShouldBe(2);
        text.ShouldContain("unicornet_listen_backlog ");

        var check = new ProcessStartInfo(promtool, ["check", "metrics"]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using (Process p = Process.Start(check)!)
        {
            await p.StandardInput.WriteAsync(text);
            p.StandardInput.Close();
            Task<string> output = p.StandardOutput.ReadToEndAsync();
            Task<string> errors = p.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await p.WaitForExitAsync(cts.Token);
            p.ExitCode.ShouldBe(0, $"promtool check metrics:\n{await output}{await errors}\n---\n{text}");
        }

        (int status, string type, string body) = metrics.Get("/metrics", "application/openmetrics-text; version=1.0.0,text/plain;version=0.0.4;q=0.5");
        status.ShouldBe(200);
        type.ShouldStartWith("application/openmetrics-text; version=1.0.0");
        body.ShouldEndWith("# EOF\n");
        body.ShouldContain("# TYPE unicornet_requests counter\n");
        body.ShouldContain("unicornet_requests_total ");
        metrics.Get("/metrics").ContentType.ShouldStartWith("text/plain; version=0.0.4");

        metrics.Get("/healthz").Status.ShouldBe(200);
        metrics.Get("/readyz").Status.ShouldBe(200);
        metrics.Get("/other").Status.ShouldBe(404);
    }

    [Fact]
    public async Task Readyz_is_503_until_a_worker_is_ready_and_from_the_moment_a_stop_begins()
    {
        var metrics = new MetricsClient();
        using var server = new ServerProcess();
        string go = Path.Combine(server.Dir, "go");

        // The worker holds its boot until the test has seen /readyz answer 503 (bounded, so it cannot hang forever).
        string conf = server.WriteFile("conf.csx", $$"""
            void post_worker_init(Worker worker)
            {
                var until = System.DateTime.UtcNow.AddSeconds(60);
                while (!System.IO.File.Exists("{{go}}") && System.DateTime.UtcNow < until) System.Threading.Thread.Sleep(20);
            }
            """);
        server.Start("-c", conf, "-w", "1", "--metrics-bind", metrics.Address);
        server.WaitFor(() => metrics.Get("/readyz").Status != 0, Deadline, "the metrics listener");
        metrics.Get("/readyz").Status.ShouldBe(503);
        metrics.Get("/healthz").Status.ShouldBe(503);
        File.WriteAllText(go, "");
        server.WaitFor(() => metrics.Get("/readyz").Status == 200, Deadline, "/readyz 200 once the worker is ready");
        metrics.Get("/healthz").Status.ShouldBe(200);

        // A slow request keeps the graceful stop going while /readyz is asked.
        var slow = Task.Run(() => server.TryGet("/slow?ms=8000", out _, timeoutMs: 30_000));
        server.WaitForLog("slow request started", Deadline);
        server.Signal(Signals.SIGTERM);
        server.WaitFor(() => metrics.Get("/readyz").Status == 503, TimeSpan.FromSeconds(10), "/readyz 503 after TERM");
        server.HasExited.ShouldBeFalse("the master must still run its graceful stop");
        (await slow.WaitAsync(TimeSpan.FromSeconds(30))).ShouldBe(200);
    }

    [Fact]
    public void Counters_keep_their_totals_across_kill_9_a_max_requests_recycle_and_hup()
    {
        var metrics = new MetricsClient();
        using var server = new ServerProcess();
        server.Start("-w", "2", "--max-requests", "10", "--metrics-bind", metrics.Address);
        WaitReady(server, metrics, 2);
        int sent = 0;
        for (int i = 0; i < 24; i++, sent++)
        {
            server.TryGet("/", out _).ShouldBe(200);
        }

        server.WaitFor(() => MetricsClient.Sum(metrics.Scrape(), "unicornet_worker_restarts_total", "reason=\"max_requests\"") >= 1, Deadline, "a max_requests restart");
        WaitReady(server, metrics, 2);

        int victim = server.WorkerPids()[0];
        Signals.Send(victim, Signals.SIGKILL);
        server.WaitFor(() => server.WorkerPids() is { Count: 2 } now && !now.Contains(victim), Deadline, "a replacement worker");
        server.WaitFor(() => MetricsClient.Sum(metrics.Scrape(), "unicornet_worker_restarts_total", "reason=\"crash\"") >= 1, Deadline, "the crash restart");

        List<int> before = server.WorkerPids();
        server.Signal(Signals.SIGHUP);
        server.WaitFor(() => server.WorkerPids() is { Count: 2 } now && !now.Intersect(before).Any(), Deadline, "the reload's new workers alone");
        for (int i = 0; i < 5; i++, sent++)
        {
            server.TryGet("/", out _).ShouldBe(200);
        }

        // The loops above sent every request the app saw (readiness came from the metrics, not from requests).
        string text = "";
        bool settled = Unicornet.Tests.Shared.Eventually.Poll(
            () => MetricsClient.Sum(text = metrics.Scrape(), "http_server_request_duration_seconds_count") >= sent,
            Deadline);
        settled.ShouldBeTrue(text);
        MetricsClient.Sum(text, "http_server_request_duration_seconds_count").ShouldBe(sent, text);
        MetricsClient.Sum(text, "unicornet_requests_total").ShouldBe(sent, text);
        MetricsClient.Sum(text, "unicornet_worker_restarts_total", "reason=\"reload\"").ShouldBeGreaterThanOrEqualTo(2, text);
        MetricsClient.Sum(text, "unicornet_reloads_total").ShouldBe(1, text);
        MetricsClient.Sum(text, "http_server_active_requests").ShouldBe(0, text);
    }

    [Theory]
    [InlineData("sync")]
    [InlineData("gthread")]
    [InlineData("async")]
    [InlineData("kestrel")]
    public void Every_worker_class_records_its_requests(string workerClass)
    {
        var metrics = new MetricsClient();
        using var server = new ServerProcess();
        server.Start("-w", "1", "-k", workerClass, "--metrics-bind", metrics.Address);
        WaitReady(server, metrics, 1);
        for (int i = 0; i < 3; i++)
        {
            server.TryGet("/", out _).ShouldBe(200);
        }

        server.TryGet("/boom", out _).ShouldBe(500);
        string text = "";
        server.WaitFor(() => MetricsClient.Sum(text = metrics.Scrape(), "http_server_request_duration_seconds_count") >= 4, Deadline, "4 requests in the histogram");
        MetricsClient.Sum(text, "http_server_request_duration_seconds_count", "http_request_method=\"GET\",http_response_status_code=\"200\"").ShouldBe(3, text);
        MetricsClient.Sum(text, "http_server_request_duration_seconds_count", "http_response_status_code=\"500\"").ShouldBe(1, text);
        MetricsClient.Sum(text, "http_server_active_requests").ShouldBe(0, text);
    }

    [Fact]
    public void An_app_meter_is_summed_across_two_workers()
    {
        var metrics = new MetricsClient();
        using var server = new ServerProcess();
        server.Start("-w", "2", "-k", "gthread", "--metrics-bind", metrics.Address, "--metrics-meter", "TestApp.*");
        server.WaitServing(2);
        var pids = new HashSet<string>();
        int orders = 0;
        server.WaitFor(
            () =>
            {
                server.TryGet("/order", out string body).ShouldBe(200);
                orders++;
                pids.Add(body.Trim());
                return pids.Count == 2;
            },
            Deadline,
            "orders answered by both workers");

        string text = "";
        server.WaitFor(() => MetricsClient.Sum(text = metrics.Scrape(), "testapp_orders_total", "shop=\"main\"") >= orders, Deadline, $"testapp_orders_total reaching {orders}");
        MetricsClient.Sum(text, "testapp_orders_total").ShouldBe(orders, text);
        text.ShouldContain("# TYPE testapp_orders_total counter");
        foreach (string pid in pids)
        {
            MetricsClient.Sum(text, "testapp_pid", $"pid=\"{pid}\"").ShouldBe(double.Parse(pid, CultureInfo.InvariantCulture), text);
        }
    }

    [Fact]
    public async Task A_prometheus_server_scrapes_the_sum_of_the_requests_sent()
    {
        if (RequiredTool.Find("prometheus", "prometheus") is not { } prometheusBinary)
        {
            return;
        }

        var metrics = new MetricsClient();
        using var server = new ServerProcess();
        server.Start("-w", "2", "-k", "async", "--metrics-bind", metrics.Address);
        WaitReady(server, metrics, 2);
        int sent = 0;
        for (int i = 0; i < 20; i++, sent++)
        {
            server.TryGet("/", out _).ShouldBe(200);
        }

        int apiPort = new MetricsClient().Port;
        // The sample scrape config, pointed at this master and scraping every second.
        string sample = File.ReadAllText(Path.Combine(Binaries.RepoRoot, "config-samples", "prometheus.yml"));
        sample.ShouldContain("127.0.0.1:9102");
        string config = server.WriteFile("prometheus.yml", sample
            .Replace("127.0.0.1:9102", metrics.Address, StringComparison.Ordinal)
            .Replace("scrape_interval: 15s", "scrape_interval: 1s", StringComparison.Ordinal)
            .Replace("evaluation_interval: 15s", "evaluation_interval: 1s", StringComparison.Ordinal)
            .Replace("scrape_timeout: 5s", "scrape_timeout: 1s", StringComparison.Ordinal));
        var start = new ProcessStartInfo(prometheusBinary, [
            "--config.file=" + config, "--storage.tsdb.path=" + Path.Combine(server.Dir, "tsdb"), "--web.listen-address=127.0.0.1:" + apiPort.ToString(CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process prometheus = Process.Start(start)!;
        var log = new System.Text.StringBuilder();
        prometheus.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        prometheus.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        prometheus.BeginOutputReadLine();
        prometheus.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            string query = Uri.EscapeDataString("sum(http_server_request_duration_seconds_count)");
            double? seen = null;
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromSeconds(90) && seen != sent)
            {
                seen = await QueryAsync(http, $"http://127.0.0.1:{apiPort}/api/v1/query?query={query}");
                if (seen != sent)
                {
                    await Task.Delay(Unicornet.Tests.Shared.Eventually.Interval);
                }
            }

            string prometheusLog;
            lock (log)
            {
                prometheusLog = log.ToString();
            }

            seen.ShouldBe(sent, $"Prometheus' sum of the request counts\n{prometheusLog}");

            // Every query of the sample Grafana dashboard is valid PromQL over these series, and finds data.
            using JsonDocument dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(Binaries.RepoRoot, "config-samples", "grafana-dashboard.json")));
            foreach (JsonElement panel in dashboard.RootElement.GetProperty("panels").EnumerateArray())
            {
                foreach (JsonElement target in panel.GetProperty("targets").EnumerateArray())
                {
                    string expr = target.GetProperty("expr").GetString()!
                        .Replace("$__rate_interval", "1m", StringComparison.Ordinal).Replace("$job", ".*", StringComparison.Ordinal).Replace("$instance", ".*", StringComparison.Ordinal);
                    bool needsData = !expr.Contains("dirty", StringComparison.Ordinal) && !expr.Contains("stash", StringComparison.Ordinal);
                    string answer = "";
                    var wait = Stopwatch.StartNew();
                    do
                    {
                        // rate() needs two scrapes of a series: poll until the answer has data.
                        answer = await http.GetStringAsync($"http://127.0.0.1:{apiPort}/api/v1/query?query={Uri.EscapeDataString(expr)}");
                        answer.ShouldContain("\"status\":\"success\"", customMessage: expr);
                    }
                    while (needsData && answer.Contains("\"result\":[]", StringComparison.Ordinal) && wait.Elapsed < TimeSpan.FromSeconds(30) && await Delay());
                    if (needsData)
                    {
                        answer.ShouldNotContain("\"result\":[]", customMessage: $"no data for {expr}");
                    }
                }
            }
        }
        finally
        {
            try
            {
                prometheus.Kill();
            }
            catch (InvalidOperationException)
            {
            }

            prometheus.WaitForExit(10_000);
        }
    }

    /// <summary>Waits for <paramref name="workers"/> ready workers as the metrics report them, without sending the app a request.</summary>
    private static void WaitReady(ServerProcess server, MetricsClient metrics, int workers) =>
        server.WaitFor(
            () => server.WorkerPids().Count == workers && metrics.Get("/metrics") is (200, _, string text) && MetricsClient.Sum(text, "unicornet_workers", "state=\"ready\"") == workers,
            Deadline,
            $"{workers} ready worker(s) in /metrics");

    private static async Task<bool> Delay()
    {
        await Task.Delay(Unicornet.Tests.Shared.Eventually.Interval);
        return true;
    }

    private static async Task<double?> QueryAsync(HttpClient http, string url)
    {
        try
        {
            using JsonDocument doc = JsonDocument.Parse(await http.GetStringAsync(url));
            JsonElement result = doc.RootElement.GetProperty("data").GetProperty("result");
            return result.GetArrayLength() == 0 ? null : double.Parse(result[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException)
        {
            return null;
        }
    }
}
