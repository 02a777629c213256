using System.Diagnostics;

namespace Unicornet.Control.Tests;

/// <summary>Runs the built unicornetc.dll as a real process (<c>dotnet exec</c>) with a deadline.</summary>
internal static class CtlProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static string DllPath => Path.Combine(AppContext.BaseDirectory, "unicornetc.dll");

    public static async Task<Result> RunAsync(string[] args, string? stdin = null, IDictionary<string, string>? environment = null)
    {
        ProcessStartInfo start = new(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(DllPath);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Never let a test touch the real user's history or runtime dir.
        string home = Path.Combine("/tmp", "uch-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(home);
        start.Environment["HOME"] = home;
        start.Environment["XDG_RUNTIME_DIR"] = home;
        if (environment is not null)
        {
            foreach ((string key, string value) in environment)
            {
                start.Environment[key] = value;
            }
        }

        using Process process = Process.Start(start)!;
        try
        {
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            if (stdin is not null)
            {
                await process.StandardInput.WriteAsync(stdin);
            }

            process.StandardInput.Close();
            using CancellationTokenSource deadline = new(TimeSpan.FromSeconds(90));
            await process.WaitForExitAsync(deadline.Token);
            return new Result(process.ExitCode, await stdout, await stderr);
        }
        finally
        {
            ProcessTree.Kill(process);

            try
            {
                Directory.Delete(home, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
