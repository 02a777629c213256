namespace Unicornet.Control.Server;

/// <summary>Discards everything; used when the server is given no log.</summary>
internal sealed class NullLog : ILog
{
    public static NullLog Instance { get; } = new();

    public void Debug(string messageTemplate, params object?[] args)
    {
    }

    public void Info(string messageTemplate, params object?[] args)
    {
    }

    public void Warning(string messageTemplate, params object?[] args)
    {
    }

    public void Error(string messageTemplate, params object?[] args)
    {
    }

    public void Critical(string messageTemplate, params object?[] args)
    {
    }

    public void Exception(Exception exception, string messageTemplate, params object?[] args)
    {
    }

    public void Reopen()
    {
    }
}
