using System.Diagnostics;

namespace Unicornet.Config.Script;

/// <summary>
/// Compiles config scripts in a short-lived child process (UNICORNET_ROLE=compile) so Roslyn's
/// ~150 MB never stays in the master. A cache hit is decided here first and starts no process.
/// </summary>
public sealed class ChildProcessCompiler : IConfigScriptCompiler
{
    private readonly Func<string[], ProcessStartInfo> _startInfo;
    private readonly TimeSpan _timeout;

    /// <summary>Creates a compiler that runs this executable in the compile role.</summary>
    public ChildProcessCompiler()
        : this(null, null)
    {
    }

    /// <summary>Creates a compiler with a custom way to start the compile process (tests) and deadline.</summary>
    /// <param name="startInfo">Builds the start info from the arguments (script path, cache directory); the role variable is set by the caller.</param>
    /// <param name="timeout">How long the compile process may take; 2 minutes by default.</param>
    public ChildProcessCompiler(Func<string[], ProcessStartInfo>? startInfo, TimeSpan? timeout)
    {
        _startInfo = startInfo ?? (args => SelfLauncher.StartInfo(ProcessRoles.Compile, args));
        _timeout = timeout ?? TimeSpan.FromMinutes(2);
    }

    /// <summary>Statistics of the last compile process started, or null when the last call was a cache hit.</summary>
    public CompileProcessStats? LastProcess { get; private set; }

    /// <inheritdoc />
    public CompiledScript Compile(string scriptPath, string cacheDirectory)
    {
        string root = Path.GetFullPath(scriptPath);
        string cache = Path.GetFullPath(cacheDirectory);
        LastProcess = null;
        if (ScriptCache.TryLoad(root, cache) is { } hit)
        {
            return hit;
        }

        ProcessStartInfo psi = _startInfo([root, cache]);
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.RedirectStandardInput = false;
        psi.UseShellExecute = false;
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(psi) ?? throw new ConfigException("could not start the config compiler process", subject: "config");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(_timeout))
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // it exited between the timeout and the kill
            }

            throw new ConfigException($"compiling the config script took longer than {_timeout.TotalSeconds:0} s", new SourceLocation(root, 1, 1), "config");
        }

        process.WaitForExit();
        string output = stdout.GetAwaiter().GetResult();
        string errors = stderr.GetAwaiter().GetResult();
        CompileResult? result = null;
        try
        {
            result = output.Length == 0 ? null : CompileResult.FromJson(output);
        }
        catch (System.Text.Json.JsonException)
        {
            result = null;
        }

        if (result is null)
        {
            throw new ConfigException(
                $"the config compiler process failed (exit {process.ExitCode}): {(errors.Length > 0 ? errors.Trim() : output.Trim())}",
                new SourceLocation(root, 1, 1),
                "config");
        }

        LastProcess = new CompileProcessStats(process.Id, watch.Elapsed, result.PeakRssBytes, result.CompileMilliseconds);
        if (result.Errors.Count > 0)
        {
            throw CompileResult.ToException(result.Errors);
        }

        if (result.Metadata is null)
        {
            throw new ConfigException("the config compiler process returned no result", new SourceLocation(root, 1, 1), "config");
        }

        return result.Metadata.ToCompiledScript(cache, result.FromCache);
    }
}

/// <summary>What one compile process cost.</summary>
/// <param name="Pid">Its process id.</param>
/// <param name="Wall">Wall time from start to exit, as the parent saw it.</param>
/// <param name="PeakRssBytes">Its peak resident set, as it reported.</param>
/// <param name="CompileMilliseconds">The compilation itself, as it reported.</param>
public sealed record CompileProcessStats(int Pid, TimeSpan Wall, long? PeakRssBytes, double? CompileMilliseconds);
