namespace Unicornet;

/// <summary>No <c>dirty_apps</c> entry matches the app name of a call.</summary>
public class DirtyAppNotFoundException : DirtyException
{
    /// <summary>Creates the exception.</summary>
    public DirtyAppNotFoundException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public DirtyAppNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public DirtyAppNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for <paramref name="app"/>.</summary>
    public DirtyAppNotFoundException(string app, string message)
        : base(message)
    {
        App = app;
    }

    /// <summary>The app name the caller used.</summary>
    public string? App { get; }
}
