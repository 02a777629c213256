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

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            string message = formatter(state, exception);
            switch (logLevel)
            {
                case LogLevel.Trace or LogLevel.Debug:
                    log.Debug("{Category}: {Message}", category, message);
                    break;
                case LogLevel.Information:
                    log.Info("{Category}: {Message}", category, message);
                    break;
                case LogLevel.Warning:
                    log.Warning("{Category}: {Message}", category, message);
                    break;
                case LogLevel.Error when exception is not null:
                    log.Exception(exception, "{Category}: {Message}", category, message);
                    break;
                case LogLevel.Error:
                    log.Error("{Category}: {Message}", category, message);
                    break;
                case LogLevel.Critical:
                    log.Critical("{Category}: {Message}", category, message);
                    break;
            }
        }
    }
}
