using System.Collections;
using System.Globalization;
using System.Text.Json;
using Unicornet.Config;
using Unicornet.Config.Settings;

namespace Unicornet.Dirty.Config;

/// <summary>Writes a config snapshot in the format <see cref="DirtyConfigReader"/> (and HTTP workers) read.</summary>
internal static class DirtyConfigWriter
{
    public static void Write(UnicornetConfig config, string path)
    {
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
                    w.WriteStartObject(h.Key);
                    w.WriteString("path", h.Value.Path);
                    w.WriteNumber("line", h.Value.Line);
                    w.WriteNumber("column", h.Value.Column);
                    w.WriteEndObject();
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
            case IDictionary map:
                w.WriteStartObject();
                foreach (DictionaryEntry kv in map)
                {
                    w.WritePropertyName(Convert.ToString(kv.Key, CultureInfo.InvariantCulture) ?? "");
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
                w.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }
}
