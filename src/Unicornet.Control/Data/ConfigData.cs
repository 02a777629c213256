using System.Collections;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Unicornet.Control;

/// <summary>One setting in <c>show config</c>.</summary>
/// <param name="Name">The gunicorn-style setting name.</param>
/// <param name="Value">The value as JSON (string, number, boolean, list or null).</param>
/// <param name="Origin">Where the value came from: default, environment, file, UNICORNET_CMD_ARGS or command line.</param>
public sealed record ConfigEntry(string Name, JsonNode? Value, string Origin);

/// <summary>The reply to <c>show config</c>: every setting with its value and origin.</summary>
/// <param name="Settings">The settings in registry order.</param>
public sealed record ConfigData(IReadOnlyList<ConfigEntry> Settings)
{
    /// <summary>Builds the reply from resolved settings (the master's <c>Cfg</c>).</summary>
    public static ConfigData FromSettings(ISettings settings)
    {
        List<ConfigEntry> entries = new(settings.Names.Count);
        foreach (string name in settings.Names)
        {
            entries.Add(new ConfigEntry(name, ToJson(settings[name]), settings.OriginOf(name)));
        }

        return new ConfigData(entries);
    }

    /// <summary>Turns a setting value into JSON; values without a JSON form (delegates, objects) become their text.</summary>
    public static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        bool b => JsonValue.Create(b),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        double d => JsonValue.Create(d),
        float f => JsonValue.Create(f),
        decimal m => JsonValue.Create(m),
        string s => JsonValue.Create(s),
        Enum e => JsonValue.Create(e.ToString()),
        Delegate => JsonValue.Create("<callable>"),
        IEnumerable sequence => ToArray(sequence),
        IFormattable formattable => JsonValue.Create(formattable.ToString(null, CultureInfo.InvariantCulture)),
        _ => JsonValue.Create(value.ToString()),
    };

    private static JsonArray ToArray(IEnumerable sequence)
    {
        JsonArray array = new();
        foreach (object? item in sequence)
        {
            array.Add(ToJson(item));
        }

        return array;
    }
}
