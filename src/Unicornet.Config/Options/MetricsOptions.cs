namespace Unicornet.Config.Options;

/// <summary>Metrics: StatsD, and the master's own <c>/metrics</c> endpoint.</summary>
public sealed record MetricsOptions
{
    /// <summary><c>statsd_host</c>, null when unset or empty (metrics off).</summary>
    public required string? StatsdHost { get; init; }

    /// <summary><c>statsd_prefix</c>.</summary>
    public required string? StatsdPrefix { get; init; }

    /// <summary><c>dogstatsd_tags</c>.</summary>
    public required string? DogstatsdTags { get; init; }

    /// <summary><c>enable_backlog_metric</c>.</summary>
    public required bool EnableBacklogMetric { get; init; }

    /// <summary><c>metrics_bind</c>, null when unset (the master serves no metrics and workers record none).</summary>
    public required string? Bind { get; init; }

    /// <summary><c>metrics_meters</c>: globs naming the app's meters the workers ship.</summary>
    public required IReadOnlyList<string> Meters { get; init; }
}
