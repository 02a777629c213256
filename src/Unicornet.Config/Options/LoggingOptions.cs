namespace Unicornet.Config.Options;

/// <summary>The error log, the access log and syslog.</summary>
public sealed record LoggingOptions
{
    /// <summary><c>errorlog</c>, <c>-</c> for stderr.</summary>
    public required string ErrorLog { get; init; }

    /// <summary><c>loglevel</c>.</summary>
    public required ErrorLogLevel LogLevel { get; init; }

    /// <summary>The canonical name of <see cref="LogLevel"/> (<c>info</c>, ...).</summary>
    public string LogLevelName => ChoiceText.Of(LogLevel);

    /// <summary><c>log_json</c>.</summary>
    public required bool LogJson { get; init; }

    /// <summary><c>capture_output</c>.</summary>
    public required bool CaptureOutput { get; init; }

    /// <summary><c>accesslog</c>, null when access logging to a file is off.</summary>
    public required string? AccessLog { get; init; }

    /// <summary><c>access_log_format</c>.</summary>
    public required string? AccessLogFormat { get; init; }

    /// <summary><c>access_log_json</c>.</summary>
    public required bool AccessLogJson { get; init; }

    /// <summary><c>disable_redirect_access_to_syslog</c>.</summary>
    public required bool DisableRedirectAccessToSyslog { get; init; }

    /// <summary><c>syslog</c>.</summary>
    public required bool Syslog { get; init; }

    /// <summary><c>syslog_addr</c>.</summary>
    public required string SyslogAddress { get; init; }

    /// <summary><c>syslog_facility</c>.</summary>
    public required string SyslogFacility { get; init; }

    /// <summary><c>syslog_prefix</c>.</summary>
    public required string? SyslogPrefix { get; init; }

    /// <summary><c>enable_stdio_inheritance</c>.</summary>
    public required bool EnableStdioInheritance { get; init; }

    /// <summary>True when requests are access-logged: an access log file, or syslog unless redirected away.</summary>
    public bool AccessLogEnabled => AccessLog is not null || (Syslog && !DisableRedirectAccessToSyslog);
}
