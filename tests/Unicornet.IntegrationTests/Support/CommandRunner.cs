using System.Diagnostics;

namespace Unicornet.IntegrationTests.Support;

/// <summary>The outcome of a finished command.</summary>
internal sealed record CommandResult(int ExitCode, string StdOut, string StdErr)
{
    public string Output => StdOut + StdErr;
}

/// <summary>Runs a short-lived command (unicornet --check-config, unicornetc -c ...) with a deadline.</summary>
internal static class CommandRunner
{
    public static CommandResult Run(string assembly, IEnumerable<string> args, string? workingDirectory = null, IDictionary<string, string?>? env = null, TimeSpan? timeout = null, string? stdin = null)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Directory.GetCurrentDirectory(),
        };
        psi.ArgumentList.Add("exec");
        psi.ArgumentList.Add(assembly);
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
                throw new TimeoutException($"{Path.GetFileName(assembly)} {string.Join(' ', args)} did not finish in time");
            }

            p.WaitForExit();
            return new CommandResult(p.ExitCode, stdout.Result, stderr.Result);
        }
        finally
        {
            if (!p.HasExited)
            {
                p.Kill(entireProcessTree: true);
            }
        }
    }
}
