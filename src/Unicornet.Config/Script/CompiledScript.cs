namespace Unicornet.Config.Script;

/// <summary>
/// A config script compiled to an assembly in the on-disk cache, with what errors need later
/// (where each setting is assigned and each hook defined), so loading it needs no Roslyn.
/// </summary>
/// <param name="SourcePath">The script's full path.</param>
/// <param name="AssemblyPath">The cached assembly.</param>
/// <param name="PdbPath">Its portable PDB (for script lines in stack traces), if any.</param>
/// <param name="Hash">The cache key: sources plus unicornet, Roslyn and runtime versions.</param>
/// <param name="Assignments">Setting name to the places it is assigned, in source order.</param>
/// <param name="Hooks">Hook name to where the script defines it.</param>
/// <param name="FromCache">True when no compilation was needed.</param>
public sealed record CompiledScript(
    string SourcePath,
    string AssemblyPath,
    string? PdbPath,
    string Hash,
    IReadOnlyDictionary<string, IReadOnlyList<SourceLocation>> Assignments,
    IReadOnlyDictionary<string, SourceLocation> Hooks,
    bool FromCache)
{
    /// <summary>Assemblies the script references with <c>#r "path.dll"</c>; the runner loads them beside the script.</summary>
    public IReadOnlyList<string> References { get; init; } = [];
}
