using System.Globalization;
using Serilog.Core;
using Serilog.Events;

namespace Unicornet.Logging.Syslog;

/// <summary>Serilog sink that forwards error-log events to syslog (<c>syslog = true</c>).</summary>
internal sealed class SyslogSink : ILogEventSink
{
    private readonly SyslogWriter _writer;

    public SyslogSink(SyslogWriter writer)
    {
        _writer = writer;
    }

    public void Emit(LogEvent logEvent)
    {
        SyslogWriter.Severity severity = logEvent.Level switch
        {
            LogEventLevel.Verbose or LogEventLevel.Debug => SyslogWriter.Severity.Debug,
            LogEventLevel.Information => SyslogWriter.Severity.Info,
            LogEventLevel.Warning => SyslogWriter.Severity.Warning,
            LogEventLevel.Error => SyslogWriter.Severity.Error,
            _ => SyslogWriter.Severity.Critical,
        };
        string message = MessageRenderer.Render(logEvent);
        if (logEvent.Exception is not null)
        {
            message += " " + logEvent.Exception.GetType().Name + ": " + logEvent.Exception.Message;
        }

        _writer.Write(severity, message);
    }
}
