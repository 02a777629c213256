namespace Unicornet.Dirty.Protocol;

/// <summary>The message type byte of a frame header (docs/dirty-protocol.md lists the payloads).</summary>
internal enum MessageType : byte
{
    Request = 0x01,
    Response = 0x02,
    Error = 0x03,
    Chunk = 0x04,
    End = 0x05,
    Cancel = 0x06,
    Stash = 0x10,
    Status = 0x11,
    Manage = 0x12,
    RouteQuery = 0x13,
    RoutesChanged = 0x14,
    Hello = 0x20,
    Heartbeat = 0x21,
    Ready = 0x22,
}
