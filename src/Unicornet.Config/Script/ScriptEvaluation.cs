using Unicornet.Config.Hooks;

namespace Unicornet.Config.Script;

/// <summary>One setting assignment the script made when it ran.</summary>
public sealed record ScriptAssignment(string Name, object? Value, SourceLocation? Location);

/// <summary>What running a compiled script produced: its setting assignments (last wins) and its hooks.</summary>
public sealed record ScriptEvaluation(IReadOnlyList<ScriptAssignment> Assignments, HookSet Hooks)
{
    /// <summary>
    /// The collectible context the script's assembly lives in. After a reload, drop every reference
    /// to the old hooks and call <see cref="System.Runtime.Loader.AssemblyLoadContext.Unload"/>.
    /// </summary>
    public System.Runtime.Loader.AssemblyLoadContext? LoadContext { get; init; }
}

/// <summary>
/// Runs a compiled script in this process (collectible load context, no Roslyn) and binds its hooks.
/// </summary>
public interface IConfigScriptRunner
{
    /// <summary>
    /// Loads and runs <paramref name="script"/>. Throws <see cref="ConfigException"/> naming the
    /// script line when the script throws.
    /// </summary>
    ScriptEvaluation Run(CompiledScript script, IReadOnlyDictionary<string, string> environment);
}
