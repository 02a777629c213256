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
        return new LogOptions(config.ErrorLog, config.LogLevel, config.Get<bool>("log_json"), config.Get<bool>("capture_output") && role != "dirty-arbiter", role)
        {
            Syslog = config.Get<bool>("syslog"),
            SyslogAddress = config.Get<string?>("syslog_addr") ?? "udp://localhost:514",
            SyslogFacility = config.Get<string?>("syslog_facility") ?? "user",
            SyslogPrefix = config.Get<string?>("syslog_prefix"),
            Statsd = statsd,
        };
    }

    /// <summary>A StatsD client when <c>statsd_host</c> is set; null otherwise or when the address is unusable.</summary>
    public static StatsdClient? Statsd(UnicornetConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Get<string?>("statsd_host") is not { Length: > 0 } host)
        {
            return null;
        }

        try
        {
            return new StatsdClient(host, config.Get<string?>("statsd_prefix"), config.Get<string?>("dogstatsd_tags"));
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or FormatException)
        {
            Console.Error.WriteLine($"warning: statsd_host '{host}' is unusable: {e.Message}");
            return null;
        }
    }

    /// <summary>True when requests are access-logged: an access log file, or syslog unless redirected away.</summary>
    public static bool AccessLogEnabled(UnicornetConfig config) =>
        config.AccessLog is not null || (config.Get<bool>("syslog") && !config.Get<bool>("disable_redirect_access_to_syslog"));
}
