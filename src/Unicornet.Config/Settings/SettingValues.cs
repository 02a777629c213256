using System.Globalization;
using System.Net;

namespace Unicornet.Config.Settings;

/// <summary>Turns command-line strings and script values into a setting's typed value.</summary>
public static class SettingValues
{
    /// <summary>Parses a command-line string for <paramref name="def"/>.</summary>
    public static object? FromString(SettingDefinition def, string raw)
    {
        ArgumentNullException.ThrowIfNull(def);
        return def.Type switch
        {
            SettingType.Bool => ParseBool(raw),
            SettingType.Int => ParseInt(raw),
            SettingType.Octal => ParseOctal(raw),
            SettingType.Text => raw,
            SettingType.Strings => def.CommaList ? SplitCommas(raw) : new StringList([raw]),
            SettingType.Map => ParseMap(raw),
            SettingType.ObjectMap => throw new SettingValueException("can only be set in a config script"),
            _ => throw new InvalidOperationException(),
        };
    }

    /// <summary>Converts a value a script assigned (or a default) to the setting's type, then validates it.</summary>
    public static object? Normalize(SettingDefinition def, object? value)
    {
        ArgumentNullException.ThrowIfNull(def);
        object? typed = def.Type switch
        {
            SettingType.Bool => value switch
            {
                bool b => b,
                string s => ParseBool(s),
                null => throw new SettingValueException("must be true or false, got null"),
                _ => throw new SettingValueException($"must be a bool, got {Describe(value)}"),
            },
            SettingType.Int or SettingType.Octal => value switch
            {
                int i => i,
                long l when l is >= int.MinValue and <= int.MaxValue => (int)l,
                double d when d == Math.Floor(d) && d is >= int.MinValue and <= int.MaxValue => (int)d,
                string s => def.Type == SettingType.Octal ? ParseOctal(s) : ParseInt(s),
                null => throw new SettingValueException("must be an integer, got null"),
                _ => throw new SettingValueException($"must be an integer, got {Describe(value)}"),
            },
            SettingType.Text => value switch
            {
                null => null,
                string s => s,
                _ => value.ToString(),
            },
            SettingType.Strings => value switch
            {
                null => new StringList(),
                StringList l when def.CommaList => new StringList(l.SelectMany(i => SplitCommas(i))),
                StringList l => new StringList(l),
                string s => def.CommaList ? SplitCommas(s) : new StringList([s]),
                IEnumerable<string> e => new StringList(def.CommaList ? e.SelectMany(i => SplitCommas(i)) : e),
                _ => throw new SettingValueException($"must be a string or a list of strings, got {Describe(value)}"),
            },
            SettingType.Map => value switch
            {
                null => new Dictionary<string, string>(),
                IReadOnlyDictionary<string, string> d => new Dictionary<string, string>(d),
                IDictionary<string, string> d => new Dictionary<string, string>(d),
                string s => ParseMap(s),
                _ => throw new SettingValueException($"must be a Dictionary<string, string>, got {Describe(value)}"),
            },
            SettingType.ObjectMap => value switch
            {
                null => new Dictionary<string, object?>(),
                IDictionary<string, object?> d => new Dictionary<string, object?>(d),
                _ => throw new SettingValueException($"must be a Dictionary<string, object?>, got {Describe(value)}"),
            },
            _ => throw new InvalidOperationException(),
        };
        return def.Validate is null ? typed : def.Validate(typed);
    }

    /// <summary>Renders a setting's value; a file mode or umask in octal (<c>0600</c>), as <c>--help</c> shows its default.</summary>
    public static string Format(SettingDefinition def, object? value)
    {
        ArgumentNullException.ThrowIfNull(def);
        return def.Type == SettingType.Octal && value is int mode ? FormatOctal(mode) : Format(value);
    }

    /// <summary>A mode in octal with a leading zero, at least three digits (<c>0022</c>, <c>0600</c>); zero is <c>0</c>.</summary>
    public static string FormatOctal(int mode) => mode == 0 ? "0" : "0" + Convert.ToString(mode, 8).PadLeft(3, '0');

    /// <summary>Renders a value the way <c>--print-config</c> and the docs show it.</summary>
    public static string Format(object? value) => value switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        string s => s,
        StringList l => l.ToString(),
        IDictionary<string, string> d => "{" + string.Join(", ", d.Select(kv => $"'{kv.Key}': '{kv.Value}'")) + "}",
        IDictionary<string, object?> d => "{" + string.Join(", ", d.Select(kv => $"'{kv.Key}': {Format(kv.Value)}")) + "}",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    internal static bool ParseBool(string raw) => raw.Trim().ToLowerInvariant() switch
    {
        "true" or "1" or "yes" or "y" or "on" => true,
        "false" or "0" or "no" or "n" or "off" or "" => false,
        _ => throw new SettingValueException($"'{raw}' is not a boolean (use true or false)"),
    };

    internal static int ParseInt(string raw)
    {
        if (int.TryParse(raw.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int v))
        {
            return v;
        }

        throw new SettingValueException($"'{raw}' is not an integer");
    }

    /// <summary>gunicorn's auto-base integer: <c>0o22</c>, <c>0x12</c>, <c>0b1</c>, a leading 0 meaning octal, else decimal.</summary>
    internal static int ParseOctal(string raw)
    {
        string s = raw.Trim().ToLowerInvariant();
        try
        {
            if (s.StartsWith("0x", StringComparison.Ordinal))
            {
                return Convert.ToInt32(s[2..], 16);
            }

            if (s.StartsWith("0o", StringComparison.Ordinal))
            {
                return Convert.ToInt32(s[2..], 8);
            }

            if (s.StartsWith("0b", StringComparison.Ordinal))
            {
                return Convert.ToInt32(s[2..], 2);
            }

            if (s.Length > 1 && s[0] == '0')
            {
                return Convert.ToInt32(s[1..], 8);
            }

            return int.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            throw new SettingValueException($"'{raw}' is not a number (octal like 0022 or 0o22, hex like 0x12, or decimal)");
        }
    }

    internal static StringList SplitCommas(string raw) =>
        new(raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static Dictionary<string, string> ParseMap(string raw)
    {
        var map = new Dictionary<string, string>();
        foreach (string pair in raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new SettingValueException($"'{pair}' is not KEY=VALUE");
            }

            map[pair[..eq].Trim()] = pair[(eq + 1)..].Trim();
        }

        return map;
    }

    private static string Describe(object value) => value switch
    {
        string s => $"\"{s}\"",
        _ => $"{value} ({value.GetType().Name})",
    };

    internal static bool IsIpOrCidr(string entry)
    {
        if (entry == "*")
        {
            return true;
        }

        int slash = entry.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return IPAddress.TryParse(entry, out _);
        }

        return IPAddress.TryParse(entry[..slash], out IPAddress? ip)
            && int.TryParse(entry[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int bits)
            && bits <= (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
    }
}
