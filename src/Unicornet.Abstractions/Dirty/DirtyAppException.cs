namespace Unicornet;

/// <summary>
/// The dirty action threw. Carries what is known of the remote exception: its type, message and
/// stack trace as text (the exception object itself stays in the dirty worker).
/// </summary>
public class DirtyAppException : DirtyException
{
    /// <summary>Creates the exception.</summary>
    public DirtyAppException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public DirtyAppException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public DirtyAppException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception from the remote error's parts.</summary>
    public DirtyAppException(string? app, string? action, string? remoteType, string message, string? remoteStackTrace)
        : base(message)
    {
        App = app;
        Action = action;
        RemoteType = remoteType;
        RemoteStackTrace = remoteStackTrace;
    }

    /// <summary>The app that ran the action.</summary>
    public string? App { get; }

    /// <summary>The action that threw.</summary>
    public string? Action { get; }

    /// <summary>The full name of the remote exception type, for example <c>System.ArgumentException</c>.</summary>
    public string? RemoteType { get; }

    /// <summary>The remote stack trace as text.</summary>
    public string? RemoteStackTrace { get; }

    /// <inheritdoc />
    public override string ToString() =>
        RemoteStackTrace is null ? base.ToString() : base.ToString() + Environment.NewLine + "--- remote " + RemoteType + " ---" + Environment.NewLine + RemoteStackTrace;
}
