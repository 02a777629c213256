using System.Diagnostics;

namespace Unicornet.Arbitration;

/// <summary>
/// How this master was started, captured before any setting changes it: the command line, the working
/// directory and the environment. A binary upgrade and daemon mode both start this command again.
/// </summary>
internal sealed class ProcessOrigin
{
    public const string UpgradePidVariable = "UNICORNET_PID";
    public const string UpgradeFdsVariable = "UNICORNET_FDS";
    public const string DaemonizedVariable = "UNICORNET_DAEMONIZED";

    public string Cwd { get; } = Directory.GetCurrentDirectory();

    public string[] Argv { get; } = ReadOwnArgv();

    /// <summary>The environment without the upgrade variables (a new master gets its own).</summary>
    public Dictionary<string, string> Environment { get; } = OriginalEnvironment();

    /// <summary>True in the detached copy that daemon mode started.</summary>
    public static bool Daemonized => System.Environment.GetEnvironmentVariable(DaemonizedVariable) == "1";

    /// <summary>This command's start info, with the original arguments after <paramref name="prefix"/>.</summary>
    public ProcessStartInfo StartInfo(string fileName, params string[] prefix)
    {
        var psi = new ProcessStartInfo(fileName) { UseShellExecute = false, WorkingDirectory = Cwd };
        foreach (string arg in prefix.Concat(Argv.Skip(1)))
        {
            psi.ArgumentList.Add(arg);
        }

        return psi;
    }

    /// <summary>
    /// There is no fork() in .NET, so daemon mode re-executes this command detached: setsid(1) in a
    /// background shell job with stdio on /dev/null, and this process exits 0.
    /// </summary>
    public int Daemonize()
    {
        string setsid = File.Exists("/usr/bin/setsid") ? "/usr/bin/setsid" : File.Exists("/bin/setsid") ? "/bin/setsid" : "";
        string script = (setsid.Length > 0 ? "exec " + setsid + " \"$@\"" : "exec \"$@\"") + " </dev/null >/dev/null 2>&1 &";
        ProcessStartInfo psi = StartInfo("/bin/sh", "-c", script, "unicornet", System.Environment.ProcessPath!);
        psi.Environment[DaemonizedVariable] = "1";
        using Process? sh = Process.Start(psi);
        sh?.WaitForExit(10_000);
        return sh?.ExitCode ?? 1;
    }

    private static string[] ReadOwnArgv()
    {
        try
        {
            string raw = File.ReadAllText("/proc/self/cmdline");
            return raw.TrimEnd('\0').Split('\0');
        }
        catch (IOException)
        {
            return System.Environment.GetCommandLineArgs();
        }
    }

    private static Dictionary<string, string> OriginalEnvironment()
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry kv in System.Environment.GetEnvironmentVariables())
        {
            env[(string)kv.Key] = kv.Value as string ?? "";
        }

        env.Remove(UpgradePidVariable);
        env.Remove(UpgradeFdsVariable);
        return env;
    }
}
