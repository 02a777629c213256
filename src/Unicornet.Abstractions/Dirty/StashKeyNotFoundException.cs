namespace Unicornet;

/// <summary>A stash key (or the table that should hold it) does not exist.</summary>
public class StashKeyNotFoundException : StashException
{
    /// <summary>Creates the exception.</summary>
    public StashKeyNotFoundException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public StashKeyNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public StashKeyNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
