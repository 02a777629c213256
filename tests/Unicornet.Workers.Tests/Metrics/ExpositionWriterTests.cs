using Unicornet.Supervision.Metrics;

namespace Unicornet.Workers.Tests.Metrics;

/// <summary>The Prometheus text format 0.0.4 and OpenMetrics 1.0.0 as the master writes them.</summary>
public sealed class ExpositionWriterTests
{
    [Fact]
    public void Prometheus_text_keeps_total_in_the_family_and_has_no_eof()
    {
        var w = new ExpositionWriter(openMetrics: false);
        w.Family("jobs_total", ExpositionType.Counter, "Jobs done.\nSecond line with \\ and \"quotes\".");
        w.Sample("jobs_total", [new("queue", "a\"b\\c\nd")], 3);
        string text = w.Finish();
        text.ShouldBe(
            "# HELP jobs_total Jobs done.\\nSecond line with \\\\ and \"quotes\".\n" +
            "# TYPE jobs_total counter\n" +
            "jobs_total{queue=\"a\\\"b\\\\c\\nd\"} 3\n");
        w.ContentType.ShouldBe("text/plain; version=0.0.4; charset=utf-8");
    }

    [Fact]
    public void OpenMetrics_names_counter_families_without_total_and_ends_with_eof()
    {
        var w = new ExpositionWriter(openMetrics: true);
        w.Family("jobs_total", ExpositionType.Counter, "Jobs \"done\".");
        w.Sample("jobs_total", [], 1.5);
        string text = w.Finish();
        text.ShouldBe("# HELP jobs Jobs \\\"done\\\".\n# TYPE jobs counter\njobs_total 1.5\n# EOF\n");
        w.ContentType.ShouldStartWith("application/openmetrics-text; version=1.0.0");
    }

    [Fact]
    public void Histogram_buckets_are_cumulative_and_count_is_the_inf_bucket()
    {
        var w = new ExpositionWriter(openMetrics: false);
        w.Family("d_seconds", ExpositionType.Histogram, "d");
        w.Histogram("d_seconds", [new("m", "GET")], [0.1, 1], [2, 0, 5], 7.25);
        w.Finish().ShouldBe(
            "# HELP d_seconds d\n# TYPE d_seconds histogram\n" +
            "d_seconds_bucket{m=\"GET\",le=\"0.1\"} 2\n" +
            "d_seconds_bucket{m=\"GET\",le=\"1\"} 2\n" +
            "d_seconds_bucket{m=\"GET\",le=\"+Inf\"} 7\n" +
            "d_seconds_sum{m=\"GET\"} 7.25\n" +
            "d_seconds_count{m=\"GET\"} 7\n");
    }

    [Fact]
    public void OpenMetrics_writes_integral_bounds_as_floats()
    {
        var w = new ExpositionWriter(openMetrics: true);
        w.Family("d_seconds", ExpositionType.Histogram, "d");
        w.Histogram("d_seconds", [], [1, 2.5], [1, 1, 1], 3);
        string text = w.Finish();
        text.ShouldContain("d_seconds_bucket{le=\"1.0\"} 1\n");
        text.ShouldContain("d_seconds_bucket{le=\"2.5\"} 2\n");
        text.ShouldContain("d_seconds_bucket{le=\"+Inf\"} 3\n");
    }

    [Theory]
    [InlineData("application/openmetrics-text; version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1", true)]
    [InlineData("text/plain;version=0.0.4", false)]
    [InlineData(null, false)]
    public void OpenMetrics_is_chosen_when_accept_names_it(string? accept, bool expected) =>
        ExpositionWriter.WantsOpenMetrics(accept).ShouldBe(expected);

    [Fact]
    public void Special_values_are_written_as_prometheus_spells_them()
    {
        var w = new ExpositionWriter(openMetrics: false);
        w.Family("g", ExpositionType.Gauge, "g");
        w.Sample("g", [new("k", "inf")], double.PositiveInfinity);
        w.Sample("g", [new("k", "nan")], double.NaN);
        w.Sample("g", [new("k", "neg")], double.NegativeInfinity);
        string text = w.Finish();
        text.ShouldContain("g{k=\"inf\"} +Inf\n");
        text.ShouldContain("g{k=\"nan\"} NaN\n");
        text.ShouldContain("g{k=\"neg\"} -Inf\n");
    }
}
