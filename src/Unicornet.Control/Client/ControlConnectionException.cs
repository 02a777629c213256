namespace Unicornet.Control.Client;

/// <summary>The control socket could not be reached, or the connection broke mid-request.</summary>
public sealed class ControlConnectionException : IOException
{
    /// <summary>Creates the exception.</summary>
    public ControlConnectionException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
