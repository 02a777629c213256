namespace Unicornet;

/// <summary>The dirty worker running the call died or was stopped before it answered.</summary>
public class DirtyWorkerLostException : DirtyException
{
    /// <summary>Creates the exception.</summary>
    public DirtyWorkerLostException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public DirtyWorkerLostException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public DirtyWorkerLostException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
