namespace Unicornet.Dirty.Protocol;

/// <summary>Hard limits every decoder enforces, so hostile or corrupt input cannot exhaust memory or the stack.</summary>
internal static class ProtocolLimits
{
    /// <summary>Largest payload of one frame.</summary>
    public const int MaxPayload = 64 * 1024 * 1024;

    /// <summary>Most items of one list or map.</summary>
    public const int MaxItems = 1024 * 1024;

    /// <summary>Deepest nesting of lists and maps.</summary>
    public const int MaxDepth = 64;
}
