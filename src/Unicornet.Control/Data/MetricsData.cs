namespace Unicornet.Control;

/// <summary>The reply to <c>show metrics</c>: what the master's <c>/metrics</c> serves now.</summary>
/// <param name="Enabled">False when <c>metrics_bind</c> is unset (then the master records no metrics).</param>
/// <param name="Exposition">The Prometheus text exposition, or why there is none.</param>
public sealed record MetricsData(bool Enabled, string Exposition)
{
    /// <summary>The reply of a master without <c>metrics_bind</c>.</summary>
    public static MetricsData Off { get; } = new(false, "metrics are off: set metrics_bind (--metrics-bind ADDRESS)");
}
