namespace Unicornet.Control.Protocol;

/// <summary>A well-framed payload that is not a valid request; answered with an error reply.</summary>
public sealed class ControlRequestException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ControlRequestException(long id, string message)
        : base(message)
    {
        Id = id;
    }

    /// <summary>The request id, or 0 when it could not be read.</summary>
    public long Id { get; }
}
