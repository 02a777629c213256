using Unicornet.Config.Hooks;
using Unicornet.Config.Script;

namespace Unicornet.Config.Tests.Support;

/// <summary>A script stand-in: "compiles" any path and "runs" a fixed list of assignments, so precedence can be tested without Roslyn.</summary>
internal sealed class FakeScript : IConfigScriptCompiler, IConfigScriptRunner
{
    private readonly (string Name, object? Value, int Line)[] _assignments;

    public FakeScript(params (string Name, object? Value, int Line)[] assignments)
    {
        _assignments = assignments;
    }

    public int Compiles { get; private set; }

    public CompiledScript Compile(string scriptPath, string cacheDirectory)
    {
        Compiles++;
        return new CompiledScript(scriptPath, "/nonexistent.dll", null, "hash", new Dictionary<string, IReadOnlyList<SourceLocation>>(), new Dictionary<string, SourceLocation>(), false);
    }

    public ScriptEvaluation Run(CompiledScript script, IReadOnlyDictionary<string, string> environment) =>
        new(_assignments.Select(a => new ScriptAssignment(a.Name, a.Value, new SourceLocation(script.SourcePath, a.Line, 1))).ToArray(), HookSet.Empty);
}
