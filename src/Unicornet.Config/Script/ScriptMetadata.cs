namespace Unicornet.Config.Script;

/// <summary>One input of a compiled script: a source file (root or <c>#load</c>ed) or a <c>#r</c>'d assembly.</summary>
/// <param name="Path">Full path.</param>
/// <param name="Sha256">Hex SHA-256 of the file's bytes when it was compiled.</param>
/// <param name="Kind"><c>source</c> or <c>reference</c>.</param>
internal sealed record ScriptInput(string Path, string Sha256, string Kind)
{
    public const string SourceKind = "source";
    public const string ReferenceKind = "reference";
}

/// <summary>A source position as stored in the cache metadata.</summary>
internal sealed record ScriptPosition(string Path, int Line, int Column)
{
    public SourceLocation ToLocation() => new(Path, Line, Column);

    public static ScriptPosition From(SourceLocation l) => new(l.Path, l.Line, l.Column);
}

/// <summary>
/// The JSON written beside a cached assembly (<c>&lt;hash&gt;.json</c>): everything needed to
/// decide a cache hit, and to report errors with script positions, without Roslyn.
/// </summary>
internal sealed record ScriptMetadata
{
    /// <summary>The format of this file; bumped when it changes.</summary>
    public const int CurrentFormat = 1;

    public int Format { get; init; } = CurrentFormat;

    /// <summary>The cache key.</summary>
    public required string Hash { get; init; }

    /// <summary>The root script's full path.</summary>
    public required string RootPath { get; init; }

    /// <summary>The unicornet build the assembly was compiled against (see <see cref="ScriptCache.Toolchain"/>).</summary>
    public required string Toolchain { get; init; }

    /// <summary>The Roslyn version that compiled it (information only: it ships with the unicornet build).</summary>
    public string? CompilerVersion { get; init; }

    /// <summary>Every source file and <c>#r</c>'d assembly, with content hashes.</summary>
    public required IReadOnlyList<ScriptInput> Inputs { get; init; }

    /// <summary>Setting name to every place the script assigns it, in source order.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<ScriptPosition>> Assignments { get; init; }

    /// <summary>Hook name to the place the script defines it.</summary>
    public required IReadOnlyDictionary<string, ScriptPosition> Hooks { get; init; }

    public CompiledScript ToCompiledScript(string cacheDirectory, bool fromCache)
    {
        string pdb = ScriptCache.PdbPath(cacheDirectory, Hash);
        return new CompiledScript(
            RootPath,
            ScriptCache.AssemblyPath(cacheDirectory, Hash),
            File.Exists(pdb) ? pdb : null,
            Hash,
            Assignments.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<SourceLocation>)kv.Value.Select(p => p.ToLocation()).ToArray(), StringComparer.Ordinal),
            Hooks.ToDictionary(kv => kv.Key, kv => kv.Value.ToLocation(), StringComparer.Ordinal),
            fromCache)
        {
            References = Inputs.Where(i => i.Kind == ScriptInput.ReferenceKind).Select(i => i.Path).ToArray(),
        };
    }
}
