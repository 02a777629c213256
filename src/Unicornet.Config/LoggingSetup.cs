using Unicornet.Config.Options;
using Unicornet.Logging;
using Unicornet.Logging.Metrics;

namespace Unicornet.Config;

/// <summary>Builds the logging pieces every process needs from the resolved settings, in one place.</summary>
public static class LoggingSetup
{
    /// <summary>The error-log options for a process playing <paramref name="role"/>.</summary>
    public static LogOptions Options(UnicornetConfig config, string role, StatsdClient? statsd = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        LoggingOptions o = config.Options.Logging;
        return new LogOptions(o.ErrorLog, o.LogLevelName, o.LogJson, o.CaptureOutput && role != "dirty-arbiter", role)
        {
            Syslog = o.Syslog,
            SyslogAddress = o.SyslogAddress,
            SyslogFacility = o.SyslogFacility,
            SyslogPrefix = o.SyslogPrefix,
            Statsd = statsd,
        };
    }

    /// <summary>A StatsD client when <c>statsd_host</c> is set; null otherwise or when the address is unusable.</summary>
    public static StatsdClient? Statsd(UnicornetConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        MetricsOptions o = config.Options.Metrics;
        if (o.StatsdHost is not { } host)
        {
            return null;
        }

        try
        {
            return new StatsdClient(host, o.StatsdPrefix, o.DogstatsdTags);
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or FormatException)
        {
            Console.Error.WriteLine($"warning: statsd_host '{host}' is unusable: {e.Message}");
            return null;
        }
    }

    /// <summary>True when requests are access-logged: an access log file, or syslog unless redirected away.</summary>
    public static bool AccessLogEnabled(UnicornetConfig config) => config.Options.Logging.AccessLogEnabled;
}
