using Unicornet.Supervision.Metrics;

namespace Unicornet.Workers.Tests.Metrics;

/// <summary>OpenTelemetry's Prometheus naming rules, as the master applies them to the app's instruments.</summary>
public sealed class OtelPrometheusNamesTests
{
    [Theory]
    [InlineData("myapp.orders", "", MeterInstrumentKind.Counter, "myapp_orders_total")]
    [InlineData("myapp.orders", "{order}", MeterInstrumentKind.Counter, "myapp_orders_total")]
    [InlineData("myapp.orders.total", "", MeterInstrumentKind.Counter, "myapp_orders_total")]
    [InlineData("http.server.request.duration", "s", MeterInstrumentKind.Histogram, "http_server_request_duration_seconds")]
    [InlineData("db.client.response.size", "By", MeterInstrumentKind.Histogram, "db_client_response_size_bytes")]
    [InlineData("process.memory", "MiBy", MeterInstrumentKind.Gauge, "process_memory_mebibytes")]
    [InlineData("sent", "By", MeterInstrumentKind.Counter, "sent_bytes_total")]
    [InlineData("speed", "m/s", MeterInstrumentKind.Gauge, "speed_meters_per_second")]
    [InlineData("cpu.utilization", "1", MeterInstrumentKind.Gauge, "cpu_utilization_ratio")]
    [InlineData("queue.items", "1", MeterInstrumentKind.UpDownCounter, "queue_items")]
    [InlineData("latency_seconds", "s", MeterInstrumentKind.Histogram, "latency_seconds")]
    [InlineData("my-app/queue depth", "", MeterInstrumentKind.Gauge, "my_app_queue_depth")]
    [InlineData("9lives", "", MeterInstrumentKind.Gauge, "_9lives")]
    [InlineData("rate", "{packet}/s", MeterInstrumentKind.Gauge, "rate_per_second")]
    public void Names_follow_the_compatibility_rules(string name, string unit, MeterInstrumentKind kind, string expected) =>
        OtelPrometheusNames.MetricName(name, unit, kind).ShouldBe(expected);

    [Theory]
    [InlineData("http.route", "http_route")]
    [InlineData("1st", "key_1st")]
    [InlineData("shop", "shop")]
    public void Label_names_are_sanitized(string name, string expected) => OtelPrometheusNames.LabelName(name).ShouldBe(expected);
}
