using System.Diagnostics;
using Unicornet.Config.Script;

namespace Unicornet.Config.Compiler;

/// <summary>The entry point of the short-lived compile process (UNICORNET_ROLE=compile).</summary>
public static class CompilerEntry
{
    /// <summary>
    /// Compiles the script named in <paramref name="args"/> (script path, cache directory) and writes
    /// the result as JSON to stdout: the cached build's metadata, or every error with its position.
    /// Returns 0 on success, 1 on config errors, 2 on bad usage.
    /// </summary>
    public static int Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: UNICORNET_ROLE=compile unicornet SCRIPT CACHE_DIR");
            return 2;
        }

        var watch = Stopwatch.StartNew();
        CompileResult result;
        try
        {
            (CompiledScript script, ScriptMetadata meta) = new InProcessCompiler().CompileWithMetadata(args[0], args[1]);
            result = CompileResult.Success(script, meta, Path.GetFullPath(args[1]));
        }
        catch (ConfigException e)
        {
            result = CompileResult.Failure(e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            result = CompileResult.Failure(new ConfigException(e.Message, new SourceLocation(Path.GetFullPath(args[0]), 1, 1), "config"));
        }

        result = result with { CompileMilliseconds = watch.Elapsed.TotalMilliseconds, PeakRssBytes = ConfigProbeEntry.PeakRssBytes() };
        Console.Out.Write(result.ToJson());
        Console.Out.Flush();
        return result.Errors.Count > 0 ? 1 : 0;
    }
}
