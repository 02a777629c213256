namespace Unicornet;

/// <summary>The app exists but has no action of that name (or the name starts with <c>_</c>, or no overload takes those arguments).</summary>
public class DirtyActionNotFoundException : DirtyException
{
    /// <summary>Creates the exception.</summary>
    public DirtyActionNotFoundException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public DirtyActionNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public DirtyActionNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for <paramref name="action"/> of <paramref name="app"/>.</summary>
    public DirtyActionNotFoundException(string app, string action, string message)
        : base(message)
    {
        App = app;
        Action = action;
    }

    /// <summary>The app name.</summary>
    public string? App { get; }

    /// <summary>The action name the caller used.</summary>
    public string? Action { get; }
}
