using System.IO.MemoryMappedFiles;

namespace Unicornet.Supervision;

/// <summary>
/// A small fixed-size file the master creates and a worker maps too (the heartbeat, in-flight and metrics
/// files): the mapping and its view in one owner, so that each of those types keeps only its layout.
/// </summary>
internal sealed class SharedMapping : IDisposable
{
    private readonly MemoryMappedFile _file;

    private SharedMapping(MemoryMappedFile file, int size)
    {
        _file = file;
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

    public void Dispose()
    {
        View.Dispose();
        _file.Dispose();
    }
}
