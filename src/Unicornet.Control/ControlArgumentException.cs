namespace Unicornet.Control;

/// <summary>
/// Thrown by the server's argument parsing, or by an <see cref="IControlHandler"/>, for a request
/// whose arguments cannot be honoured; the client receives <c>Invalid argument: message</c>.
/// </summary>
public sealed class ControlArgumentException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ControlArgumentException(string message)
        : base(message)
    {
    }
}
