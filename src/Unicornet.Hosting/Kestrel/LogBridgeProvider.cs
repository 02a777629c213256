using Microsoft.Extensions.Logging;

namespace Unicornet.Hosting.Kestrel;

/// <summary>Sends Microsoft.Extensions.Logging output of a unicornet-built host to the worker's <see cref="ILog"/>.</summary>
internal sealed class LogBridgeProvider(ILog log) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(log, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(ILog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            log.FrameworkMessage(logLevel, category, formatter(state, exception), exception);
    }
}
