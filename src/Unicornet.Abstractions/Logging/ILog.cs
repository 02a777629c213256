namespace Unicornet;

/// <summary>
/// The logger that hooks and apps see as <c>server.Log</c> and <c>worker.Log</c>, shaped like
/// gunicorn's <c>log.info(...)</c> family. Messages are Serilog-style templates.
/// </summary>
public interface ILog
{
    /// <summary>Logs at debug level.</summary>
    void Debug(string messageTemplate, params object?[] args);

    /// <summary>Logs at info level.</summary>
    void Info(string messageTemplate, params object?[] args);

    /// <summary>Logs at warning level.</summary>
    void Warning(string messageTemplate, params object?[] args);

    /// <summary>Logs at error level.</summary>
    void Error(string messageTemplate, params object?[] args);

    /// <summary>Logs at critical (fatal) level.</summary>
    void Critical(string messageTemplate, params object?[] args);

    /// <summary>Logs an exception with its stack trace at error level.</summary>
    void Exception(Exception exception, string messageTemplate, params object?[] args);

    /// <summary>Reopens log files (what USR1 does).</summary>
    void Reopen();
}
