namespace Unicornet.Dirty.Protocol;

/// <summary>The type byte in front of every TLV value.</summary>
internal enum TlvType : byte
{
    Null = 0x00,
    Bool = 0x01,
    Int64 = 0x02,
    Float64 = 0x03,
    Bytes = 0x04,
    String = 0x05,
    List = 0x06,
    Map = 0x07,
}
