using System.Diagnostics.Metrics;

namespace Unicornet.Dirty.Client;

/// <summary>
/// The <c>Unicornet.Dirty</c> meter: each dirty call's duration by app, action and outcome (ok, error, timeout).
/// A worker with <c>metrics_bind</c> set listens to it and ships it to the master's <c>/metrics</c> as
/// <c>unicornet_dirty_call_duration_seconds</c>; without a listener a call only checks <see cref="Enabled"/>.
/// </summary>
internal static class DirtyCallMeter
{
    private static readonly Meter s_meter = new("Unicornet.Dirty");

    private static readonly Histogram<double> s_duration = s_meter.CreateHistogram(
        "unicornet.dirty.call.duration",
        "s",
        "Dirty calls from this process, by app, action and outcome.",
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] });

    public static bool Enabled => s_duration.Enabled;

    public static void Record(string app, string action, string outcome, TimeSpan duration) =>
        s_duration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("app", app), new KeyValuePair<string, object?>("action", action), new KeyValuePair<string, object?>("outcome", outcome));
}
