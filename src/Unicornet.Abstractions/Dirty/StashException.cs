namespace Unicornet;

/// <summary>Base class of stash errors.</summary>
public class StashException : DirtyException
{
    /// <summary>Creates the exception.</summary>
    public StashException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public StashException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public StashException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
