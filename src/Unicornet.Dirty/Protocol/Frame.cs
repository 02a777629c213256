namespace Unicornet.Dirty.Protocol;

/// <summary>One received frame; the payload array belongs to the frame.</summary>
internal sealed record Frame(MessageType Type, ulong RequestId, byte[] Payload)
{
    /// <summary>A reader over the payload's TLV values.</summary>
    public TlvReader Reader() => new(Payload);
}
