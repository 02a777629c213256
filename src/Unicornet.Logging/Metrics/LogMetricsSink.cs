using Serilog.Core;
using Serilog.Events;

namespace Unicornet.Logging.Metrics;

/// <summary>Counts warning, error and critical log events as <c>unicornet.log.*</c> StatsD counters.</summary>
internal sealed class LogMetricsSink : ILogEventSink
{
    private readonly StatsdClient _statsd;

    public LogMetricsSink(StatsdClient statsd)
    {
        _statsd = statsd;
    }

    public void Emit(LogEvent logEvent)
    {
        string? name = logEvent.Level switch
        {
            LogEventLevel.Warning => "unicornet.log.warning",
            LogEventLevel.Error when logEvent.Exception is not null => "unicornet.log.exception",
            LogEventLevel.Error => "unicornet.log.error",
            LogEventLevel.Fatal => "unicornet.log.critical",
            _ => null,
        };
        if (name is not null)
        {
            _statsd.Increment(name);
        }
    }
}
