using System.Collections;
using System.Text;
using Unicornet.Config;
using Unicornet.Config.Hooks;
using Unicornet.Config.Script;
using Unicornet.Config.Settings;

namespace Unicornet.Config.Snapshot;

/// <summary>
/// A resolved <see cref="UnicornetConfig"/> written by the master and read back by a worker (and the dirty
/// processes), so the worker neither re-parses the command line nor re-runs the script to know its settings
/// (it runs the compiled script only to bind hooks). Values are re-typed through the registry.
/// </summary>
/// <remarks>
/// <para>
/// The format is unicornet's own, so that reading it needs no System.Text.Json in a worker (its images and
/// types are ~1 MB in every process). UTF-8 text, one record per line, a keyword then values separated by spaces:
/// </para>
/// <code>
/// unicornet-config-snapshot 1
/// app_module "HelloApp.dll:App"
/// script "/srv/unicornet.conf.csx" "/cache/ab12.dll" null "ab12..."
/// reference "/srv/lib/Helpers.dll"
/// hook "on_starting" "/srv/unicornet.conf.csx" 12 1
/// setting workers CommandLine 4
/// setting bind File ["127.0.0.1:8000" "unix:/run/app.sock"]
/// setting secure_scheme_headers Default {"X-FORWARDED-PROTO"="https"}
/// end
/// </code>
/// <para>
/// A value is <c>null</c>, <c>true</c>, <c>false</c>, an integer, a double (always with a <c>.</c> or an exponent;
/// <c>nan</c>, <c>inf</c>, <c>-inf</c>), a string in double quotes (<c>\"</c>, <c>\\</c>, <c>\n</c>, <c>\r</c>,
/// <c>\t</c> and <c>\uXXXX</c> for other control characters and lone surrogates; everything else as is), a list
/// <c>[v v]</c> or a map <c>{"key"=v "key"=v}</c>. Every setting of the registry appears exactly once, after its
/// origin. Reading is strict: a record the writer would not have written (an unknown keyword or setting, a value
/// of the wrong type, a missing setting or <c>end</c>) is a <see cref="ConfigException"/> naming the line and
/// column.
/// </para>
/// </remarks>
public static class ConfigSnapshot
{
    private const string Header = "unicornet-config-snapshot 1";
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Writes <paramref name="config"/> to <paramref name="path"/> atomically (temp file + rename).</summary>
    public static void Write(UnicornetConfig config, string path)
    {
        ArgumentNullException.ThrowIfNull(config);
        string temp = path + ".tmp";
        File.WriteAllText(temp, Format(config), s_strictUtf8);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Reads a snapshot; hooks are empty until the worker binds them. A malformed one is a <see cref="ConfigException"/>.</summary>
    public static UnicornetConfig Read(string path)
    {
        string text;
        try
        {
            text = s_strictUtf8.GetString(File.ReadAllBytes(path));
        }
        catch (DecoderFallbackException e)
        {
            throw new ConfigException("malformed config snapshot: not valid UTF-8", subject: "config snapshot", inner: e);
        }

        return Parse(text);
    }

    /// <summary>The snapshot text of <paramref name="config"/>.</summary>
    internal static string Format(UnicornetConfig config)
    {
        var w = new SnapshotWriter();
        w.Word(Header).EndLine();
        w.Word("app_module").Value(config.AppModule).EndLine();
        if (config.Script is { } s)
        {
            w.Word("script").Value(s.SourcePath).Value(s.AssemblyPath).Value(s.PdbPath).Value(s.Hash).EndLine();
            foreach (string reference in s.References)
            {
                w.Word("reference").Value(reference).EndLine();
            }

            foreach (KeyValuePair<string, SourceLocation> h in s.Hooks)
            {
                w.Word("hook").Value(h.Key).Value(h.Value.Path).Value(h.Value.Line).Value(h.Value.Column).EndLine();
            }
        }

        foreach (SettingDefinition def in SettingsRegistry.All)
        {
            ResolvedSetting r = config.Resolved(def.Name);
            w.Word("setting").Word(def.Name).Word(r.Origin.ToString()).Value(r.Value).EndLine();
        }

        w.Word("end").EndLine();
        return w.ToString();
    }

    /// <summary>The config a snapshot text describes.</summary>
    internal static UnicornetConfig Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] lines = text.Split('\n');
        if (lines[0] != Header)
        {
            throw new ConfigException($"malformed config snapshot: the first line is not '{Header}'", subject: "config snapshot");
        }

        bool appSeen = false;
        bool ended = false;
        string? app = null;
        CompiledScript? script = null;
        var references = new List<string>();
        var hooks = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        var values = new Dictionary<string, ResolvedSetting>(StringComparer.Ordinal);
        // Every record ends with a newline, the last one too: the text after the last newline must be empty.
        if (lines[^1].Length != 0)
        {
            throw new ConfigException("malformed config snapshot: it is cut short (the last line has no newline)", subject: "config snapshot");
        }

        for (int i = 1; i < lines.Length - 1; i++)
        {
            var line = new SnapshotLine(lines[i], i + 1);
            if (ended)
            {
                throw line.Fail("nothing may follow 'end'");
            }

            string keyword = line.Word("a record (app_module, script, reference, hook, setting or end)");
            switch (keyword)
            {
                case "app_module" when !appSeen:
                    appSeen = true;
                    app = line.StringOrNull("the app module");
                    break;
                case "script" when script is null:
                    script = new CompiledScript(
                        line.String("the script's source path"),
                        line.String("the compiled assembly's path"),
                        line.StringOrNull("the pdb's path"),
                        line.String("the script's hash"),
                        new Dictionary<string, IReadOnlyList<SourceLocation>>(),
                        hooks,
                        FromCache: true);
                    break;
                case "reference" when script is not null:
                    references.Add(line.String("a referenced assembly's path"));
                    break;
                case "hook" when script is not null:
                    string hook = line.String("the hook's name");
                    var location = new SourceLocation(line.String("the hook's source path"), line.Int("the hook's line"), line.Int("the hook's column"));
                    if (!hooks.TryAdd(hook, location))
                    {
                        throw line.Fail($"hook '{hook}' appears twice");
                    }

                    break;
                case "setting":
                    ReadSetting(line, values);
                    break;
                case "end":
                    ended = true;
                    break;
                case "app_module" or "script":
                    throw line.Fail($"'{keyword}' appears twice");
                case "reference" or "hook":
                    throw line.Fail($"'{keyword}' before 'script'");
                default:
                    throw line.Fail($"unknown record '{keyword}'");
            }

            line.End();
        }

        if (!ended)
        {
            throw new ConfigException("malformed config snapshot: it is cut short (no 'end' line)", subject: "config snapshot");
        }

        if (!appSeen)
        {
            throw new ConfigException("malformed config snapshot: no 'app_module' record", subject: "config snapshot");
        }

        foreach (SettingDefinition def in SettingsRegistry.All)
        {
            if (!values.ContainsKey(def.Name))
            {
                throw new ConfigException($"malformed config snapshot: no value for setting '{def.Name}'", subject: "config snapshot");
            }
        }

        if (script is not null && references.Count > 0)
        {
            script = script with { References = references };
        }

        return new UnicornetConfig(values, app, script, HookSet.Empty);
    }

    private static void ReadSetting(SnapshotLine line, Dictionary<string, ResolvedSetting> values)
    {
        string name = line.Word("a setting name");
        if (SettingsRegistry.Find(name) is not { } def)
        {
            throw line.Fail($"unknown setting '{name}'");
        }

        string originText = line.Word("the setting's origin");
        if (!TryParseOrigin(originText, out SettingOrigin origin))
        {
            throw line.Fail($"unknown origin '{originText}' for setting '{name}'");
        }

        object? value = Typed(def, line.Value(), line);
        if (!values.TryAdd(name, new ResolvedSetting(value, origin)))
        {
            throw line.Fail($"setting '{name}' appears twice");
        }
    }

    private static bool TryParseOrigin(string text, out SettingOrigin origin)
    {
        foreach (SettingOrigin candidate in Enum.GetValues<SettingOrigin>())
        {
            if (candidate.ToString() == text)
            {
                origin = candidate;
                return true;
            }
        }

        origin = default;
        return false;
    }

    /// <summary>The value read for <paramref name="def"/>, as the setting's type; a value of another type is malformed.</summary>
    private static object? Typed(SettingDefinition def, object? value, SnapshotLine line)
    {
        object? raw = def.Type switch
        {
            SettingType.Bool when value is null or bool => value,
            SettingType.Int or SettingType.Octal when value is null => null,
            SettingType.Int or SettingType.Octal when value is long l && l is >= int.MinValue and <= int.MaxValue => (int)l,
            SettingType.Text when value is null or string => value,
            SettingType.Strings when value is null => null,
            SettingType.Strings when value is List<object?> items && items.TrueForAll(i => i is string) => new StringList(items.Cast<string>()),
            SettingType.Map when value is null => null,
            SettingType.Map when value is Dictionary<string, object?> map && map.Values.All(v => v is string) =>
                map.ToDictionary(kv => kv.Key, kv => (string)kv.Value!, StringComparer.Ordinal),
            SettingType.ObjectMap when value is null or Dictionary<string, object?> => value,
            _ => throw line.Fail($"setting '{def.Name}' takes {def.ScriptTypeName}, got {Describe(value)}"),
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
            // Left for the options binder, which names the setting (a snapshot written from a config that
            // bypassed validation).
            return raw;
        }
    }

    private static string Describe(object? value) => value switch
    {
        null => "null",
        bool => "a bool",
        long => "an integer",
        double => "a double",
        string => "a string",
        IDictionary => "a map",
        _ => "a list",
    };

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
