namespace Unicornet.Dirty.Protocol;

/// <summary>The operation codes of STASH frames.</summary>
internal enum StashOp
{
    Put = 1,
    Get = 2,
    Delete = 3,
    Keys = 4,
    Clear = 5,
    Count = 6,
    Ensure = 7,
    DeleteTable = 8,
    Tables = 9,
    Exists = 10,
}
