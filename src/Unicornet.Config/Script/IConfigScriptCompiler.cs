namespace Unicornet.Config.Script;

/// <summary>
/// Compiles a config script (and its <c>#load</c>ed files) into the cache, or finds it there.
/// Implemented with Roslyn in Unicornet.Config.Compiler; only a short-lived process loads it.
/// </summary>
public interface IConfigScriptCompiler
{
    /// <summary>
    /// Compiles <paramref name="scriptPath"/> or returns the cached build. Throws
    /// <see cref="ConfigException"/> (with every compiler error in <see cref="ConfigException.Others"/>)
    /// for syntax and type errors, wrong hook signatures, names that look like misspelled hooks and
    /// assignments to unknown settings.
    /// </summary>
    CompiledScript Compile(string scriptPath, string cacheDirectory);
}
