namespace Unicornet;

/// <summary>A dirty call did not answer within its deadline (the caller's timeout or <c>dirty_timeout</c>). A late answer is discarded.</summary>
public class DirtyTimeoutException : DirtyException
{
    /// <summary>Creates the exception.</summary>
    public DirtyTimeoutException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public DirtyTimeoutException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public DirtyTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
