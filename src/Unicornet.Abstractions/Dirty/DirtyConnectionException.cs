namespace Unicornet;

/// <summary>The dirty arbiter cannot be reached, or the connection broke during the call.</summary>
public class DirtyConnectionException : DirtyException
{
    /// <summary>Creates the exception.</summary>
    public DirtyConnectionException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public DirtyConnectionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public DirtyConnectionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
