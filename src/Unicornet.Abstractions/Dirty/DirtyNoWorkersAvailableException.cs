namespace Unicornet;

/// <summary>The app is configured but no live dirty worker has it loaded right now (all booting, crashed or stopping).</summary>
public class DirtyNoWorkersAvailableException : DirtyException
{
    /// <summary>Creates the exception.</summary>
    public DirtyNoWorkersAvailableException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public DirtyNoWorkersAvailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public DirtyNoWorkersAvailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for <paramref name="app"/>.</summary>
    public DirtyNoWorkersAvailableException(string app, string message)
        : base(message)
    {
        App = app;
    }

    /// <summary>The app name.</summary>
    public string? App { get; }
}
