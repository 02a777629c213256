using System.Globalization;
using Serilog.Events;
using Serilog.Formatting;

namespace Unicornet.Logging;

/// <summary>gunicorn's error-log line: <c>[2026-11-21 10:00:00 +0000] [PID] [INFO] message</c>.</summary>
internal sealed class GunicornTextFormatter : ITextFormatter
{
    private readonly string _pid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);

    public void Format(LogEvent logEvent, TextWriter output)
    {
        output.Write('[');
        output.Write(logEvent.Timestamp.ToString("yyyy-MM-dd HH:mm:ss ", CultureInfo.InvariantCulture));
        TimeSpan offset = logEvent.Timestamp.Offset;
        output.Write(offset < TimeSpan.Zero ? '-' : '+');
        output.Write(offset.Duration().ToString("hhmm", CultureInfo.InvariantCulture));
        output.Write("] [");
        output.Write(_pid);
        output.Write("] [");
        output.Write(LevelName(logEvent.Level));
        output.Write("] ");
        MessageRenderer.Render(logEvent, output);
        output.Write('\n');
        if (logEvent.Exception is not null)
        {
            output.Write(logEvent.Exception.ToString());
            output.Write('\n');
        }
    }

    internal static string LevelName(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose or LogEventLevel.Debug => "DEBUG",
        LogEventLevel.Information => "INFO",
        LogEventLevel.Warning => "WARNING",
        LogEventLevel.Error => "ERROR",
        _ => "CRITICAL",
    };
}
