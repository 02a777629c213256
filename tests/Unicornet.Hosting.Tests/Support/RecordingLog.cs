using System.Collections.Concurrent;

namespace Unicornet.Hosting.Tests.Support;

/// <summary>An ILog that keeps rendered lines ("LEVEL template args...").</summary>
internal sealed class RecordingLog : ILog
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public void Debug(string messageTemplate, params object?[] args) => Add("DEBUG", messageTemplate, args);

    public void Info(string messageTemplate, params object?[] args) => Add("INFO", messageTemplate, args);

    public void Warning(string messageTemplate, params object?[] args) => Add("WARNING", messageTemplate, args);

    public void Error(string messageTemplate, params object?[] args) => Add("ERROR", messageTemplate, args);

    public void Critical(string messageTemplate, params object?[] args) => Add("CRITICAL", messageTemplate, args);

    public void Exception(Exception exception, string messageTemplate, params object?[] args) => Add("EXCEPTION", messageTemplate, args);

    public void Reopen()
    {
    }

    private void Add(string level, string template, object?[] args) =>
        Lines.Enqueue(level + " " + template + " " + string.Join(" | ", args));
}
