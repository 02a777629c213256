using System.IO.MemoryMappedFiles;
using System.Runtime.CompilerServices;
using Microsoft.Win32.SafeHandles;

namespace Unicornet.Supervision;

/// <summary>
/// A small fixed-size file the master creates and a worker maps too (the heartbeat, in-flight and metrics
/// files): the mapping and its view in one owner, so that each of those types keeps only its layout.
/// </summary>
internal sealed unsafe class SharedMapping : IDisposable
{
    private readonly MemoryMappedFile _file;
    private readonly int _size;

    private SharedMapping(MemoryMappedFile file, int size)
    {
        _file = file;
        _size = size;
        try
        {
            View = file.CreateViewAccessor(0, size, MemoryMappedFileAccess.ReadWrite);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>The whole file, read-write.</summary>
    public MemoryMappedViewAccessor View { get; }

    /// <summary>Creates (or empties) <paramref name="path"/> as <paramref name="size"/> zero bytes; master side, before the worker starts.</summary>
    public static void CreateFile(string path, int size)
    {
        using var fs = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.ReadWrite);
        fs.SetLength(size);
    }

    /// <summary>Maps the first <paramref name="size"/> bytes of an existing file.</summary>
    public static SharedMapping Open(string path, int size) =>
        new(MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, size, MemoryMappedFileAccess.ReadWrite), size);

    /// <summary>
    /// Holds the view mapped for a burst of reads and writes: one reference on its handle for all of them. Each
    /// call on the accessor takes and drops that reference and checks bounds again, which was a few percent of a
    /// kestrel-class worker's CPU with the in-flight slot written field by field on every request. After
    /// <see cref="Dispose"/>, taking an access throws <see cref="ObjectDisposedException"/> as the accessor would.
    /// </summary>
    public MappingAccess Access()
    {
        SafeMemoryMappedViewHandle handle = View.SafeMemoryMappedViewHandle;
        bool added = false;
        handle.DangerousAddRef(ref added);
        return new MappingAccess(handle, (byte*)handle.DangerousGetHandle() + View.PointerOffset, _size);
    }

    /// <summary>One 64-bit read, as a volatile load.</summary>
    public long ReadInt64(int offset)
    {
        using MappingAccess access = Access();
        return access.ReadInt64(offset);
    }

    /// <summary>One 64-bit write, as a volatile store.</summary>
    public void WriteInt64(int offset, long value)
    {
        using MappingAccess access = Access();
        access.WriteInt64(offset, value);
    }

    /// <summary>One 32-bit read, as a volatile load.</summary>
    public int ReadInt32(int offset)
    {
        using MappingAccess access = Access();
        return access.ReadInt32(offset);
    }

    /// <summary>One 32-bit write, as a volatile store.</summary>
    public void WriteInt32(int offset, int value)
    {
        using MappingAccess access = Access();
        access.WriteInt32(offset, value);
    }

    public void Dispose()
    {
        View.Dispose();
        _file.Dispose();
    }
}

/// <summary>The mapped bytes of a <see cref="SharedMapping"/> while one reference on its view is held.</summary>
internal readonly unsafe ref struct MappingAccess
{
    private readonly SafeMemoryMappedViewHandle _handle;
    private readonly byte* _base;
    private readonly int _size;

    internal MappingAccess(SafeMemoryMappedViewHandle handle, byte* start, int size)
    {
        _handle = handle;
        _base = start;
        _size = size;
    }

    public long ReadInt64(int offset) => Volatile.Read(ref Unsafe.AsRef<long>(At(offset, sizeof(long))));

    public void WriteInt64(int offset, long value) => Volatile.Write(ref Unsafe.AsRef<long>(At(offset, sizeof(long))), value);

    public int ReadInt32(int offset) => Volatile.Read(ref Unsafe.AsRef<int>(At(offset, sizeof(int))));

    public void WriteInt32(int offset, int value) => Volatile.Write(ref Unsafe.AsRef<int>(At(offset, sizeof(int))), value);

    /// <summary><paramref name="length"/> bytes at <paramref name="offset"/>, for plain (non-atomic) copies.</summary>
    public Span<byte> Bytes(int offset, int length) => new(At(offset, length), length);

    public void Dispose() => _handle.DangerousRelease();

    private byte* At(int offset, int length)
    {
        // The layouts are constants, so this only fails on a bug; it keeps a bug from writing past the mapping.
        if ((uint)offset > (uint)_size || (uint)length > (uint)(_size - offset))
        {
            throw new ArgumentOutOfRangeException(nameof(offset));
        }

        return _base + offset;
    }
}
