using Microsoft.AspNetCore.Http;
using Unicornet.Config;
using Unicornet.Http.AccessLog;
using Unicornet.Http.Serving;
using Unicornet.Logging;
using Unicornet.Logging.Syslog;

namespace Unicornet.Workers;

/// <summary>
/// The worker's access log: <c>accesslog</c> (a file or <c>-</c> for stdout) in
/// <c>access_log_format</c> or as JSON (<c>access_log_json</c>), and syslog unless
/// <c>disable_redirect_access_to_syslog</c>. Built only when access logging is on.
/// </summary>
internal sealed class RequestLog
{
    private readonly AccessLogFormatter _formatter;
    private readonly AccessLogSink? _sink;
    private readonly SyslogWriter? _syslog;

    private RequestLog(AccessLogFormatter formatter, AccessLogSink? sink, SyslogWriter? syslog)
    {
        _formatter = formatter;
        _sink = sink;
        _syslog = syslog;
    }

    public static RequestLog? Create(UnicornetConfig config, UnicornetLog log)
    {
        if (!LoggingSetup.AccessLogEnabled(config))
        {
            return null;
        }

        var formatter = new AccessLogFormatter(config.Options.Logging.AccessLogFormat, config.Options.Logging.AccessLogJson);
        AccessLogSink? sink = config.Options.Logging.AccessLog is { } path ? new AccessLogSink(path) : null;
        SyslogWriter? syslog = config.Options.Logging.DisableRedirectAccessToSyslog ? null : log.SyslogWriter;
        return new RequestLog(formatter, sink, syslog);
    }

    public void Write(HttpContext context, RequestSummary summary)
    {
        string line = _formatter.Format(context, summary);
        _sink?.WriteLine(line);
        _syslog?.Write(SyslogWriter.Severity.Info, line);
    }

    public void Reopen() => _sink?.Reopen();
}
