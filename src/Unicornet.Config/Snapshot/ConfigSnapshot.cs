using System.Collections;
using System.Text.Json;
using Unicornet.Config;
using Unicornet.Config.Hooks;
using Unicornet.Config.Script;
using Unicornet.Config.Settings;

namespace Unicornet.Config.Snapshot;

/// <summary>
/// A resolved <see cref="UnicornetConfig"/> written to JSON by the master and read back by a worker,
/// so the worker neither re-parses the command line nor re-runs the script to know its settings
/// (it runs the compiled script only to bind hooks). Values are re-typed through the registry.
/// </summary>
public static class ConfigSnapshot
{
    /// <summary>Writes <paramref name="config"/> to <paramref name="path"/> atomically (temp file + rename).</summary>
    public static void Write(UnicornetConfig config, string path)
    {
        ArgumentNullException.ThrowIfNull(config);
        string temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("app_module", config.AppModule);
            if (config.Script is { } s)
            {
                w.WriteStartObject("script");
                w.WriteString("source", s.SourcePath);
                w.WriteString("assembly", s.AssemblyPath);
                w.WriteString("pdb", s.PdbPath);
                w.WriteString("hash", s.Hash);
                w.WriteStartObject("hooks");
                foreach (KeyValuePair<string, SourceLocation> h in s.Hooks)
                {
                    WriteLocation(w, h.Key, h.Value);
                }

                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteStartObject("settings");
            foreach (SettingDefinition def in SettingsRegistry.All)
            {
                ResolvedSetting r = config.Resolved(def.Name);
                w.WriteStartObject(def.Name);
                w.WriteString("origin", r.Origin.ToString());
                w.WritePropertyName("value");
                WriteValue(w, r.Value);
                w.WriteEndObject();
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Reads a snapshot; hooks are empty until the worker binds them.</summary>
    public static UnicornetConfig Read(string path)
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(path));
        JsonElement root = doc.RootElement;
        string? app = root.GetProperty("app_module").GetString();
        CompiledScript? script = null;
        if (root.TryGetProperty("script", out JsonElement s))
        {
            var hooks = new Dictionary<string, SourceLocation>();
            foreach (JsonProperty h in s.GetProperty("hooks").EnumerateObject())
            {
                hooks[h.Name] = ReadLocation(h.Value);
            }

            script = new CompiledScript(
                s.GetProperty("source").GetString()!,
                s.GetProperty("assembly").GetString()!,
                s.GetProperty("pdb").GetString(),
                s.GetProperty("hash").GetString() ?? "",
                new Dictionary<string, IReadOnlyList<SourceLocation>>(),
                hooks,
                FromCache: true);
        }

        var values = new Dictionary<string, ResolvedSetting>(StringComparer.Ordinal);
        JsonElement settings = root.GetProperty("settings");
        foreach (SettingDefinition def in SettingsRegistry.All)
        {
            if (!settings.TryGetProperty(def.Name, out JsonElement e))
            {
                values[def.Name] = new ResolvedSetting(def.Default(new Dictionary<string, string>()), SettingOrigin.Default);
                continue;
            }

            SettingOrigin origin = Enum.TryParse(e.GetProperty("origin").GetString(), out SettingOrigin o) ? o : SettingOrigin.Default;
            values[def.Name] = new ResolvedSetting(ReadValue(def, e.GetProperty("value")), origin);
        }

        return new UnicornetConfig(values, app, script, HookSet.Empty);
    }

    private static object? ReadValue(SettingDefinition def, JsonElement e)
    {
        object? raw = def.Type switch
        {
            SettingType.Bool => e.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => null,
            },
            SettingType.Int or SettingType.Octal => e.ValueKind == JsonValueKind.Number ? e.GetInt32() : null,
            SettingType.Text => e.ValueKind == JsonValueKind.String ? e.GetString() : null,
            SettingType.Strings => e.ValueKind == JsonValueKind.Array ? new StringList(e.EnumerateArray().Select(i => i.GetString() ?? "")) : new StringList(),
            SettingType.Map => e.ValueKind == JsonValueKind.Object
                ? e.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "")
                : new Dictionary<string, string>(),
            SettingType.ObjectMap => e.ValueKind == JsonValueKind.Object
                ? e.EnumerateObject().ToDictionary(p => p.Name, p => Plain(p.Value))
                : new Dictionary<string, object?>(),
            _ => null,
        };

        if (raw is null && def.Type == SettingType.Bool)
        {
            return null; // sendfile: unset is meaningful.
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

    private static void WriteValue(Utf8JsonWriter w, object? value)
    {
        switch (value)
        {
            case null:
                w.WriteNullValue();
                break;
            case bool b:
                w.WriteBooleanValue(b);
                break;
            case int i:
                w.WriteNumberValue(i);
                break;
            case long l:
                w.WriteNumberValue(l);
                break;
            case double d:
                w.WriteNumberValue(d);
                break;
            case string s:
                w.WriteStringValue(s);
                break;
            case IDictionary<string, string> map:
                w.WriteStartObject();
                foreach (KeyValuePair<string, string> kv in map)
                {
                    w.WriteString(kv.Key, kv.Value);
                }

                w.WriteEndObject();
                break;
            case IDictionary<string, object?> map:
                w.WriteStartObject();
                foreach (KeyValuePair<string, object?> kv in map)
                {
                    w.WritePropertyName(kv.Key);
                    WriteValue(w, kv.Value);
                }

                w.WriteEndObject();
                break;
            case IEnumerable list:
                w.WriteStartArray();
                foreach (object? item in list)
                {
                    WriteValue(w, item);
                }

                w.WriteEndArray();
                break;
            default:
                w.WriteStringValue(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
        }
    }

    private static void WriteLocation(Utf8JsonWriter w, string name, SourceLocation l)
    {
        w.WriteStartObject(name);
        w.WriteString("path", l.Path);
        w.WriteNumber("line", l.Line);
        w.WriteNumber("column", l.Column);
        w.WriteEndObject();
    }

    private static SourceLocation ReadLocation(JsonElement e) =>
        new(e.GetProperty("path").GetString() ?? "", e.GetProperty("line").GetInt32(), e.GetProperty("column").GetInt32());

    /// <summary>
    /// Runs the compiled script in this process to bind its hooks (workers and dirty processes do this;
    /// their settings come from the snapshot). Returns the config unchanged when there is no script.
    /// </summary>
    public static UnicornetConfig BindHooks(UnicornetConfig config, ILog log)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Script is not { } script)
        {
            config.Hooks.UseLog(log);
            return config;
        }

        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry kv in Environment.GetEnvironmentVariables())
        {
            env[(string)kv.Key] = kv.Value as string ?? "";
        }

        ScriptEvaluation evaluation = new ConfigScriptRunner().Run(script, env);
        evaluation.Hooks.UseLog(log);
        return config.WithHooks(evaluation.Hooks);
    }
}
