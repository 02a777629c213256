namespace Unicornet;

/// <summary>Base class of every error a dirty call or the stash reports.</summary>
public class DirtyException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DirtyException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public DirtyException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public DirtyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
