namespace Unicornet.Config.Options;

/// <summary>StatsD metrics.</summary>
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
}
