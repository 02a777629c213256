using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Unicornet.Config.Script;

/// <summary>
/// The on-disk cache of compiled config scripts. Layout under the cache directory:
/// <c>&lt;hash&gt;.dll</c>, <c>&lt;hash&gt;.pdb</c>, <c>&lt;hash&gt;.json</c> (<see cref="ScriptMetadata"/>) and
/// <c>index/&lt;sha256 of the root path&gt;.json</c> naming the hash last compiled for a script.
/// A hit is decided here, without Roslyn: follow the index, re-hash every input the metadata lists.
/// </summary>
internal static class ScriptCache
{

    /// <summary>
    /// What a cached assembly was built against: the Abstractions assembly it binds to (version and
    /// MVID, so any rebuild of the object model invalidates it) and the runtime version.
    /// </summary>
    public static string Toolchain { get; } = ComputeToolchain();

    public static string AssemblyPath(string cacheDirectory, string hash) => Path.Combine(cacheDirectory, hash + ".dll");

    public static string PdbPath(string cacheDirectory, string hash) => Path.Combine(cacheDirectory, hash + ".pdb");

    public static string MetadataPath(string cacheDirectory, string hash) => Path.Combine(cacheDirectory, hash + ".json");

    public static string IndexPath(string cacheDirectory, string rootPath) =>
        Path.Combine(cacheDirectory, "index", Sha256Hex(Encoding.UTF8.GetBytes(rootPath))[..32] + ".json");

    /// <summary>The cached build of <paramref name="scriptPath"/> when every input is unchanged; else null.</summary>
    public static CompiledScript? TryLoad(string scriptPath, string cacheDirectory)
    {
        string root = Path.GetFullPath(scriptPath);
        try
        {
            string indexPath = IndexPath(cacheDirectory, root);
            if (!File.Exists(indexPath))
            {
                return null;
            }

            ScriptIndexEntry? index = JsonSerializer.Deserialize(File.ReadAllBytes(indexPath), ScriptJsonContext.Default.ScriptIndexEntry);
            if (index is null || index.RootPath != root)
            {
                return null;
            }

            ScriptMetadata? meta = ReadMetadata(cacheDirectory, index.Hash);
            if (meta is null || !IsCurrent(meta))
            {
                return null;
            }

            return meta.ToCompiledScript(cacheDirectory, fromCache: true);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            // A damaged or half-written cache is a miss, never an error: the compiler rewrites it.
            return null;
        }
    }

    /// <summary>The metadata stored for <paramref name="hash"/>, or null.</summary>
    public static ScriptMetadata? ReadMetadata(string cacheDirectory, string hash)
    {
        string path = MetadataPath(cacheDirectory, hash);
        if (!File.Exists(path) || !File.Exists(AssemblyPath(cacheDirectory, hash)))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), ScriptJsonContext.Default.ScriptMetadata);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>True when the toolchain matches and every input still has the hash it was compiled with.</summary>
    public static bool IsCurrent(ScriptMetadata meta)
    {
        if (meta.Format != ScriptMetadata.CurrentFormat || meta.Toolchain != Toolchain)
        {
            return false;
        }

        foreach (ScriptInput input in meta.Inputs)
        {
            if (!File.Exists(input.Path) || HashFile(input.Path) != input.Sha256)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Stores the assembly, its PDB and metadata, then points the root script's index at them.</summary>
    public static void Store(string cacheDirectory, ScriptMetadata meta, byte[] assembly, byte[]? pdb)
    {
        Directory.CreateDirectory(Path.Combine(cacheDirectory, "index"));
        WriteAtomic(AssemblyPath(cacheDirectory, meta.Hash), assembly);
        if (pdb is not null)
        {
            WriteAtomic(PdbPath(cacheDirectory, meta.Hash), pdb);
        }

        // The metadata goes last: its presence says the assembly beside it is complete.
        WriteAtomic(MetadataPath(cacheDirectory, meta.Hash), JsonSerializer.SerializeToUtf8Bytes(meta, ScriptJsonContext.Default.ScriptMetadata));
        WriteIndex(cacheDirectory, meta);
    }

    /// <summary>Points the root script's index at <paramref name="meta"/> (a content hit under another path).</summary>
    public static void WriteIndex(string cacheDirectory, ScriptMetadata meta)
    {
        Directory.CreateDirectory(Path.Combine(cacheDirectory, "index"));
        WriteAtomic(IndexPath(cacheDirectory, meta.RootPath), JsonSerializer.SerializeToUtf8Bytes(new ScriptIndexEntry(meta.RootPath, meta.Hash), ScriptJsonContext.Default.ScriptIndexEntry));
    }

    public static string HashFile(string path)
    {
        using FileStream s = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(s));
    }

    public static string Sha256Hex(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>Writes to a temporary name in the same directory and renames: readers see all or nothing.</summary>
    public static void WriteAtomic(string path, byte[] bytes)
    {
        string temp = path + "." + Environment.ProcessId + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        try
        {
            File.WriteAllBytes(temp, bytes);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    private static string ComputeToolchain()
    {
        Assembly abstractions = typeof(ConfigScriptGlobals).Assembly;
        string version = abstractions.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? abstractions.GetName().Version?.ToString() ?? "0";
        return $"unicornet {version} abstractions {abstractions.ManifestModule.ModuleVersionId:N} runtime {Environment.Version}";
    }
}
