namespace Unicornet.Control.Server;

/// <summary>The control socket path is held by a live server or by something that is not a stale socket.</summary>
public sealed class ControlSocketInUseException : IOException
{
    /// <summary>Creates the exception.</summary>
    public ControlSocketInUseException(string path, string message)
        : base(message)
    {
        SocketPath = path;
    }

    /// <summary>The path that could not be taken.</summary>
    public string SocketPath { get; }
}
