namespace Unicornet.Config.Sources;

/// <summary>The inputs of one resolution: the command line, the environment and where unicornet started.</summary>
/// <param name="Args">Command-line arguments.</param>
/// <param name="Environment">The process environment.</param>
/// <param name="WorkingDirectory">The directory unicornet was started in (where ./unicornet.conf.csx is looked for).</param>
public sealed record ConfigRequest(IReadOnlyList<string> Args, IReadOnlyDictionary<string, string> Environment, string WorkingDirectory)
{
    /// <summary>The environment variable holding extra arguments.</summary>
    public const string CmdArgsVariable = "UNICORNET_CMD_ARGS";

    /// <summary>The config script looked for in the working directory when none is named.</summary>
    public const string DefaultConfigFile = "unicornet.conf.csx";

    /// <summary>A request from this process's own command line and environment.</summary>
    public static ConfigRequest FromProcess(IReadOnlyList<string> args)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry e in System.Environment.GetEnvironmentVariables())
        {
            env[(string)e.Key] = (string?)e.Value ?? "";
        }

        return new ConfigRequest(args, env, Directory.GetCurrentDirectory());
    }
}
