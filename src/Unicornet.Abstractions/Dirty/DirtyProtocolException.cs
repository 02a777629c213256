namespace Unicornet;

/// <summary>A frame or value broke the dirty wire protocol (bad magic, version, size or encoding).</summary>
public class DirtyProtocolException : DirtyException
{
    /// <summary>Creates the exception.</summary>
    public DirtyProtocolException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public DirtyProtocolException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public DirtyProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
