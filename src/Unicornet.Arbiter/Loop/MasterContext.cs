using Unicornet.Config;
using Unicornet.Logging;
using Unicornet.Logging.Metrics;
using Unicornet.Platform;
using Unicornet.Supervision.Hooks;

namespace Unicornet.Arbitration;

/// <summary>
/// What every part of the master shares, and nothing else: the log, the inbox, the generations of
/// config, the listeners, the dirty arbiter and whether the master is stopping. Each part owns the rest
/// of its state; all of it is touched only from the main loop.
/// </summary>
internal sealed class MasterContext
{
    public MasterContext(UnicornetLog log, StatsdClient? statsd, Generations generations)
    {
        Log = log;
        Statsd = statsd;
        Generations = generations;
    }

    public int Pid { get; } = ProcessInfo.Pid;

    public UnicornetLog Log { get; }

    public StatsdClient? Statsd { get; }

    public MasterEvents Events { get; } = new();

    public Generations Generations { get; }

    /// <summary>The configuration of the current generation.</summary>
    public UnicornetConfig Config => Generations.Current;

    /// <summary>The hooks' view of the master; set once the worker pool exists.</summary>
    public ArbiterView View { get; set; } = null!;

    public List<Listener> Listeners { get; set; } = [];

    /// <summary>The dirty arbiter's supervisor when dirty apps are configured, null otherwise.</summary>
    public IDirtySupervisor? Dirty { get; set; }

    public PidFile? PidFile { get; set; }

    public bool Stopping { get; set; }

    /// <summary>Set from the moment TERM (or INT/QUIT) arrives, before any shutdown_delay; read by readiness.</summary>
    public StopState StopState { get; } = new();

    /// <summary>The workers' metrics when <c>metrics_bind</c> is set, null otherwise.</summary>
    public MetricsRegistry? Metrics { get; set; }

    /// <summary>The <c>metrics_bind</c> listener, null when off or not bound.</summary>
    public MetricsEndpoint? MetricsEndpoint { get; set; }

    /// <summary>The listener fds as the workers and a new master receive them.</summary>
    public string FdList() => string.Join(',', Listeners.Select(l => l.Fd.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    public LogOptions LogOptionsFor(UnicornetConfig config) => LoggingSetup.Options(config, "master", Statsd);
}
