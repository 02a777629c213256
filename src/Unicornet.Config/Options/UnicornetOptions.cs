namespace Unicornet.Config.Options;

/// <summary>
/// Every setting the server's own code reads, bound once from a resolved <see cref="UnicornetConfig"/>
/// (in the master from the sources, in a worker from its JSON snapshot). Code outside Config reads
/// these records, never a setting by its name.
/// </summary>
public sealed record UnicornetOptions
{
    /// <summary>The options bound from the registry's defaults alone (no environment, no script).</summary>
    public static UnicornetOptions Defaults { get; } = OptionsBinder.Bind(UnicornetConfig.FromDefaults());

    /// <summary>The app, the listeners and the master's own mechanics.</summary>
    public required ArbiterOptions Arbiter { get; init; }

    /// <summary>Where to listen.</summary>
    public required ListenerOptions Listeners { get; init; }

    /// <summary>How worker processes run.</summary>
    public required WorkerProcessOptions Worker { get; init; }

    /// <summary>HTTP/1.x parsing and serving.</summary>
    public required HttpOptions Http { get; init; }

    /// <summary>TLS.</summary>
    public required SslOptions Ssl { get; init; }

    /// <summary>HTTP/2 and protocol choice for the kestrel worker class.</summary>
    public required KestrelOptions Kestrel { get; init; }

    /// <summary>The error log, the access log and syslog.</summary>
    public required LoggingOptions Logging { get; init; }

    /// <summary>StatsD.</summary>
    public required MetricsOptions Metrics { get; init; }

    /// <summary>The dirty pool.</summary>
    public required DirtyOptions Dirty { get; init; }

    /// <summary>The control socket.</summary>
    public required ControlOptions Control { get; init; }
}
