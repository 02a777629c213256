using System.Diagnostics;
using Unicornet.Config.Script;

namespace Unicornet.Config.Compiler;

/// <summary>
/// Compiles a config script with Roslyn in this process (the compile role, tests and
/// <c>--check-config</c>). The master uses <see cref="ChildProcessCompiler"/> instead so Roslyn never
/// stays loaded in it.
/// </summary>
public sealed class InProcessCompiler : IConfigScriptCompiler
{
    /// <summary>How long the last Roslyn compilation took (zero for a cache hit).</summary>
    public TimeSpan LastCompileTime { get; private set; }

    /// <inheritdoc />
    public CompiledScript Compile(string scriptPath, string cacheDirectory) => CompileWithMetadata(scriptPath, cacheDirectory).Script;

    internal (CompiledScript Script, ScriptMetadata Metadata) CompileWithMetadata(string scriptPath, string cacheDirectory)
    {
        string root = Path.GetFullPath(scriptPath);
        string cache = Path.GetFullPath(cacheDirectory);
        LastCompileTime = TimeSpan.Zero;
        if (!File.Exists(root))
        {
            throw new ConfigException($"config file '{root}' does not exist", subject: "config");
        }

        if (ScriptCache.TryLoad(root, cache) is { } hit && ScriptCache.ReadMetadata(cache, hit.Hash) is { } hitMeta)
        {
            return (hit, hitMeta);
        }

        var watch = Stopwatch.StartNew();
        var compilation = ScriptCompilation.Create(root);
        string hash = compilation.Hash();

        // The same content compiled before under another path, or the index was lost: reuse it.
        if (ScriptCache.ReadMetadata(cache, hash) is { } same && same.RootPath == root && ScriptCache.IsCurrent(same))
        {
            ScriptCache.WriteIndex(cache, same);
            return (same.ToCompiledScript(cache, fromCache: true), same);
        }

        List<ConfigException> errors = compilation.Errors();
        if (errors.Count > 0)
        {
            throw new ConfigException(errors[0].Message, errors[0].Location, errors[0].Subject) { Others = errors.Skip(1).ToArray() };
        }

        (byte[] assembly, byte[] pdb) = compilation.Emit();
        ScriptMetadata meta = compilation.Metadata(hash);
        ScriptCache.Store(cache, meta, assembly, pdb);
        LastCompileTime = watch.Elapsed;
        return (meta.ToCompiledScript(cache, fromCache: false), meta);
    }
}
