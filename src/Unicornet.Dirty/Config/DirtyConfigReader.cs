using System.Text.Json;
using Unicornet.Config;
using Unicornet.Config.Hooks;
using Unicornet.Config.Script;
using Unicornet.Config.Settings;

namespace Unicornet.Dirty.Config;

/// <summary>
/// Reads the master's JSON config snapshot (the format HTTP workers read: <c>app_module</c>,
/// <c>script</c>, <c>settings.NAME.{origin,value}</c>) and, when there is a compiled script, binds
/// its hooks in this process without Roslyn.
/// </summary>
internal static class DirtyConfigReader
{
    public static UnicornetConfig Read(string path)
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(path));
        JsonElement root = doc.RootElement;
        string? app = root.TryGetProperty("app_module", out JsonElement a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
        CompiledScript? script = null;
        if (root.TryGetProperty("script", out JsonElement s) && s.ValueKind == JsonValueKind.Object)
        {
            var hooks = new Dictionary<string, SourceLocation>();
            if (s.TryGetProperty("hooks", out JsonElement hs))
            {
                foreach (JsonProperty h in hs.EnumerateObject())
                {
                    hooks[h.Name] = new SourceLocation(h.Value.GetProperty("path").GetString() ?? "", h.Value.GetProperty("line").GetInt32(), h.Value.GetProperty("column").GetInt32());
                }
            }

            script = new CompiledScript(
                s.GetProperty("source").GetString()!,
                s.GetProperty("assembly").GetString()!,
                s.TryGetProperty("pdb", out JsonElement pdb) ? pdb.GetString() : null,
                s.TryGetProperty("hash", out JsonElement hash) ? hash.GetString() ?? "" : "",
                new Dictionary<string, IReadOnlyList<SourceLocation>>(),
                hooks,
                FromCache: true);
        }

        var env = EnvironmentMap();
        var values = new Dictionary<string, ResolvedSetting>(StringComparer.Ordinal);
        JsonElement settings = root.TryGetProperty("settings", out JsonElement st) ? st : default;
        foreach (SettingDefinition def in SettingsRegistry.All)
        {
            if (settings.ValueKind != JsonValueKind.Object || !settings.TryGetProperty(def.Name, out JsonElement e))
            {
                values[def.Name] = new ResolvedSetting(def.Default(env), SettingOrigin.Default);
                continue;
            }

            // Both {"origin":..,"value":..} and a bare value are accepted.
            JsonElement value = e.ValueKind == JsonValueKind.Object && e.TryGetProperty("value", out JsonElement v) ? v : e;
            SettingOrigin origin = e.ValueKind == JsonValueKind.Object && e.TryGetProperty("origin", out JsonElement o)
                && Enum.TryParse(o.GetString(), out SettingOrigin parsed) ? parsed : SettingOrigin.File;
            values[def.Name] = new ResolvedSetting(Normalize(def, Plain(value)), origin);
        }

        return new UnicornetConfig(values, app, script, HookSet.Empty);
    }

    /// <summary>Binds the script's hooks in this process; returns the config unchanged when there is no script or runner.</summary>
    public static UnicornetConfig BindHooks(UnicornetConfig config, ILog log)
    {
        if (config.Script is not { } script)
        {
            config.Hooks.UseLog(log);
            return config;
        }

        Type? runnerType = Type.GetType("Unicornet.Config.Script.ConfigScriptRunner, Unicornet.Config");
        if (runnerType is null || Activator.CreateInstance(runnerType) is not IConfigScriptRunner runner)
        {
            log.Warning("No config script runner is available; dirty hooks do not run");
            return config;
        }

        ScriptEvaluation evaluation = runner.Run(script, EnvironmentMap());
        evaluation.Hooks.UseLog(log);
        return config.WithHooks(evaluation.Hooks);
    }

    private static Dictionary<string, string> EnvironmentMap()
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry kv in Environment.GetEnvironmentVariables())
        {
            env[(string)kv.Key] = kv.Value as string ?? "";
        }

        return env;
    }

    private static object? Normalize(SettingDefinition def, object? raw)
    {
        if (raw is null && def.Type == SettingType.Bool)
        {
            return null;
        }

        if (def.Type is SettingType.Strings && raw is List<object?> list)
        {
            raw = new StringList(list.Select(i => Convert.ToString(i, System.Globalization.CultureInfo.InvariantCulture) ?? ""));
        }
        else if (def.Type is SettingType.Map && raw is Dictionary<string, object?> map)
        {
            raw = map.ToDictionary(kv => kv.Key, kv => Convert.ToString(kv.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "");
        }

        try
        {
            return SettingValues.Normalize(def, raw);
        }
        catch (SettingValueException)
        {
            return raw;
        }
    }

    private static object? Plain(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.TryGetInt64(out long l) ? l : e.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Array => e.EnumerateArray().Select(Plain).ToList(),
        JsonValueKind.Object => e.EnumerateObject().ToDictionary(p => p.Name, p => Plain(p.Value)),
        _ => null,
    };
}
