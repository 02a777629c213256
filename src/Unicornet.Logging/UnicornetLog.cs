using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace Unicornet.Logging;

/// <summary>
/// The error log of one unicornet process, on Serilog. Implements the <see cref="ILog"/> that hooks
/// see; <see cref="Reopen"/> (USR1) closes and reopens the file so logrotate can move it.
/// </summary>
public sealed class UnicornetLog : ILog, IDisposable
{
    private readonly object _gate = new();
    private readonly LoggingLevelSwitch _level;
    private Logger _logger;
    private Syslog.SyslogWriter? _syslog;

    /// <summary>Creates the log described by <paramref name="options"/>.</summary>
    public UnicornetLog(LogOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _level = new LoggingLevelSwitch(ParseLevel(options.Level));
        _logger = Build();
        if (options.CaptureOutput && options.ErrorLog != "-")
        {
            OutputCapture.Redirect(options.ErrorLog);
        }
    }

    /// <summary>The options this log was built from (replaced by <see cref="Reconfigure"/>).</summary>
    public LogOptions Options { get; private set; }

    /// <summary>The Serilog logger, for code that wants structured properties.</summary>
    public Serilog.ILogger Serilog => _logger;

    /// <summary>True when <paramref name="level"/> (debug, info, ...) would be written.</summary>
    public bool IsEnabled(LogEventLevel level) => _logger.IsEnabled(level);

    /// <summary>Maps gunicorn's level names to Serilog's.</summary>
    public static LogEventLevel ParseLevel(string level) => level.ToLowerInvariant() switch
    {
        "debug" => LogEventLevel.Debug,
        "info" => LogEventLevel.Information,
        "warning" => LogEventLevel.Warning,
        "error" => LogEventLevel.Error,
        "critical" => LogEventLevel.Fatal,
        _ => LogEventLevel.Information,
    };

    /// <inheritdoc />
    public void Debug(string messageTemplate, params object?[] args) => _logger.Debug(messageTemplate, args);

    /// <inheritdoc />
    public void Info(string messageTemplate, params object?[] args) => _logger.Information(messageTemplate, args);

    /// <inheritdoc />
    public void Warning(string messageTemplate, params object?[] args) => _logger.Warning(messageTemplate, args);

    /// <inheritdoc />
    public void Error(string messageTemplate, params object?[] args) => _logger.Error(messageTemplate, args);

    /// <inheritdoc />
    public void Critical(string messageTemplate, params object?[] args) => _logger.Fatal(messageTemplate, args);

    /// <inheritdoc />
    public void Exception(Exception exception, string messageTemplate, params object?[] args) => _logger.Error(exception, messageTemplate, args);

    /// <inheritdoc />
    public void Reopen()
    {
        lock (_gate)
        {
            Rebuild(redirectOutput: true);
        }
    }

    /// <summary>
    /// Applies new options in place (HUP: <c>errorlog</c>, <c>loglevel</c>, <c>log_json</c>, syslog). Everything
    /// holding this log keeps its reference, so nothing else has to be rewired. Returns false when the
    /// options did not change.
    /// </summary>
    public bool Reconfigure(LogOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        lock (_gate)
        {
            if (options == Options)
            {
                return false;
            }

            LogOptions previous = Options;
            Options = options;
            _level.MinimumLevel = ParseLevel(options.Level);
            if (!options.Syslog || options.SyslogAddress != previous.SyslogAddress || options.SyslogFacility != previous.SyslogFacility || options.SyslogPrefix != previous.SyslogPrefix)
            {
                _syslog?.Dispose();
                _syslog = null;
            }

            Rebuild(redirectOutput: options.ErrorLog != previous.ErrorLog || !previous.CaptureOutput);
            return true;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _logger.Dispose();
        _syslog?.Dispose();
    }

    /// <summary>Swaps in a logger built from <see cref="Options"/>; the caller holds the gate.</summary>
    private void Rebuild(bool redirectOutput)
    {
        Logger old = _logger;
        _logger = Build();
        old.Dispose();
        if (redirectOutput && Options.CaptureOutput && Options.ErrorLog != "-")
        {
            OutputCapture.Redirect(Options.ErrorLog);
        }
    }

    /// <summary>The syslog writer, when syslog is on (the access log reuses it unless disable_redirect_access_to_syslog).</summary>
    public Syslog.SyslogWriter? SyslogWriter => _syslog;

    private Logger Build()
    {
        ITextFormatter formatter = Options.Json ? JsonFormatter(Options.Role) : new GunicornTextFormatter();
        LoggerConfiguration cfg = new LoggerConfiguration().MinimumLevel.ControlledBy(_level);
        cfg = Options.ErrorLog == "-"
            ? cfg.WriteTo.Console(formatter, standardErrorFromLevel: LogEventLevel.Verbose)
            : FileSink.WriteTo(cfg, formatter, Options.ErrorLog);
        if (Options.Syslog)
        {
            _syslog ??= new Syslog.SyslogWriter(Unicornet.Logging.Syslog.SyslogAddress.Parse(Options.SyslogAddress), Options.SyslogFacility, Options.SyslogPrefix);
            cfg = cfg.WriteTo.Sink(new Syslog.SyslogSink(_syslog));
        }

        if (Options.Statsd is not null)
        {
            cfg = cfg.WriteTo.Sink(new Metrics.LogMetricsSink(Options.Statsd));
        }

        return cfg.CreateLogger();
    }

    // Apart from Build, not inlined: compiling a method resolves every type it names, and the JSON formatter's
    // options are System.Text.Json's, which a process logging text should not load.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static ITextFormatter JsonFormatter(string role) => new JsonLineFormatter(role);
}
