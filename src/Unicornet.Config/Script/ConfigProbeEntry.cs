using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Unicornet.Platform;

namespace Unicornet.Config.Script;

/// <summary>
/// The <c>config-probe</c> role: loads a cached compiled config the way a worker does (no Roslyn),
/// then prints JSON with the assemblies loaded, the resident set and the load time. Tests use it to
/// prove that loading a config never pulls in Microsoft.CodeAnalysis.
/// </summary>
public static class ConfigProbeEntry
{
    /// <summary>Runs the probe; arguments: script path, cache directory. Exit 0, or 2 on a cache miss or error.</summary>
    public static int Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: UNICORNET_ROLE=config-probe unicornet SCRIPT CACHE_DIR");
            return 2;
        }

        long rssBefore = ProcessInfo.ResidentBytes(Environment.ProcessId) ?? 0;
        var watch = Stopwatch.StartNew();
        CompiledScript? script = ScriptCache.TryLoad(args[0], args[1]);
        if (script is null)
        {
            Console.Error.WriteLine($"unicornet: no current cached build of {args[0]} in {args[1]}");
            return 2;
        }

        double checkMs = watch.Elapsed.TotalMilliseconds;
        ScriptEvaluation evaluation;
        try
        {
            evaluation = new ConfigScriptRunner().Run(script, Environment.GetEnvironmentVariables()
                .Cast<System.Collections.DictionaryEntry>()
                .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "", StringComparer.Ordinal));
        }
        catch (ConfigException e)
        {
            Console.Error.WriteLine(ConfigException.Describe(e));
            return 2;
        }

        double loadMs = watch.Elapsed.TotalMilliseconds;
        var report = new Dictionary<string, object?>
        {
            ["assemblies"] = AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetName().Name).OrderBy(n => n, StringComparer.Ordinal).ToArray(),
            ["rss_bytes"] = ProcessInfo.ResidentBytes(Environment.ProcessId),
            ["rss_before_bytes"] = rssBefore,
            ["peak_rss_bytes"] = PeakRssBytes(),
            ["load_ms"] = loadMs,
            ["cache_check_ms"] = checkMs,
            ["hooks"] = evaluation.Hooks.Defined.ToArray(),
            ["assignments"] = evaluation.Assignments.ToDictionary(a => a.Name, a => SettingsFormat(a.Value)),
        };
        Console.Out.WriteLine(JsonSerializer.Serialize(report));
        return 0;
    }

    /// <summary>This process's peak resident set (VmHWM) in bytes, or null.</summary>
    internal static long? PeakRssBytes()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    string kb = line[6..].Trim().Split(' ')[0];
                    return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }

        return null;
    }

    private static string SettingsFormat(object? value) => Settings.SettingValues.Format(value);
}
