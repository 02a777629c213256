namespace Unicornet.Logging;

/// <summary>What the error log needs from the settings; built by the caller so logging has no config dependency.</summary>
/// <param name="ErrorLog"><c>errorlog</c>: <c>-</c> for stderr, or a file path.</param>
/// <param name="Level"><c>loglevel</c>: debug, info, warning, error, critical.</param>
/// <param name="Json"><c>log_json</c>: JSON lines instead of gunicorn's text format.</param>
/// <param name="CaptureOutput"><c>capture_output</c>: point stdout and stderr at the error log file.</param>
/// <param name="Role">Shown in JSON lines: master, worker, dirty-arbiter, ...</param>
public sealed record LogOptions(string ErrorLog = "-", string Level = "info", bool Json = false, bool CaptureOutput = false, string Role = "master")
{
    /// <summary><c>syslog</c>: also send lines to syslog.</summary>
    public bool Syslog { get; init; }

    /// <summary><c>syslog_addr</c>.</summary>
    public string SyslogAddress { get; init; } = "udp://localhost:514";

    /// <summary><c>syslog_facility</c>.</summary>
    public string SyslogFacility { get; init; } = "user";

    /// <summary><c>syslog_prefix</c>.</summary>
    public string? SyslogPrefix { get; init; }

    /// <summary><c>statsd_host</c>: count warnings and errors as metrics when set.</summary>
    public Metrics.StatsdClient? Statsd { get; init; }
}
