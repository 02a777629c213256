using System.Diagnostics;

namespace Unicornet.IntegrationTests.Support;

/// <summary>The outcome of a finished command.</summary>
internal sealed record CommandResult(int ExitCode, string StdOut, string StdErr)
{
    public string Output => StdOut + StdErr;
}

/// <summary>Runs a short-lived command (unicornet --check-config, unicornetc -c ..., curl) with a deadline.</summary>
internal static class CommandRunner
{
    /// <summary>Runs <c>dotnet exec ASSEMBLY ARGS</c>.</summary>
    public static CommandResult Run(string assembly, IEnumerable<string> args, string? workingDirectory = null, IDictionary<string, string?>? env = null, TimeSpan? timeout = null, string? stdin = null) =>
        RunFile("dotnet", ["exec", assembly, .. args], workingDirectory, env, timeout, stdin);

    /// <summary>Runs the program <paramref name="file"/> (looked up in PATH) with <paramref name="args"/>; kills its tree if the deadline passes.</summary>
    public static CommandResult RunFile(string file, IEnumerable<string> args, string? workingDirectory = null, IDictionary<string, string?>? env = null, TimeSpan? timeout = null, string? stdin = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Directory.GetCurrentDirectory(),
        };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        // Tests must not see the developer's own settings.
        psi.Environment.Remove("UNICORNET_CMD_ARGS");
        psi.Environment.Remove("PORT");
        psi.Environment.Remove("WEB_CONCURRENCY");
        psi.Environment.Remove("UNICORNET_ROLE");
        if (env is not null)
        {
            foreach ((string k, string? v) in env)
            {
                psi.Environment[k] = v;
            }
        }

        using Process p = Process.Start(psi)!;
        try
        {
            Task<string> stdout = p.StandardOutput.ReadToEndAsync();
            Task<string> stderr = p.StandardError.ReadToEndAsync();
            if (stdin is not null)
            {
                p.StandardInput.Write(stdin);
                p.StandardInput.Close();
            }

            if (!p.WaitForExit((int)(timeout ?? TimeSpan.FromSeconds(60)).TotalMilliseconds))
            {
                throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in time");
            }

            p.WaitForExit();
            return new CommandResult(p.ExitCode, stdout.Result, stderr.Result);
        }
        finally
        {
            ProcessTree.Kill(p);
        }
    }
}
