namespace Unicornet.Control.Protocol;

/// <summary>Why a frame could not be read.</summary>
public enum ControlFrameError
{
    /// <summary>The connection ended in the middle of a frame.</summary>
    Truncated,

    /// <summary>The length prefix is over <see cref="ControlFraming.MaxPayloadLength"/>.</summary>
    TooLarge,
}

/// <summary>A frame that breaks the framing rules; the connection cannot be resynchronised after it.</summary>
public sealed class ControlFrameException : IOException
{
    /// <summary>Creates the exception.</summary>
    public ControlFrameException(ControlFrameError error, string message)
        : base(message)
    {
        Error = error;
    }

    /// <summary>What was wrong with the frame.</summary>
    public ControlFrameError Error { get; }
}
