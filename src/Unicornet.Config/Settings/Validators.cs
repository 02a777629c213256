namespace Unicornet.Config.Settings;

/// <summary>Reusable value checks for the registry.</summary>
internal static class Validators
{
    public static Func<object?, object?> Min(int min) => v =>
    {
        int i = (int)v!;
        return i >= min ? i : throw new SettingValueException($"must be {(min == 0 ? "zero or a positive integer" : min == 1 ? "a positive integer" : $"at least {min}")}, got {i}");
    };

    public static Func<object?, object?> Range(int min, int max) => v =>
    {
        int i = (int)v!;
        return i >= min && i <= max ? i : throw new SettingValueException($"must be between {min} and {max}, got {i}");
    };

    public static Func<object?, object?> Choice(params string[] choices) => v =>
    {
        string? s = (string?)v;
        if (s is not null && choices.Contains(s, StringComparer.OrdinalIgnoreCase))
        {
            return s.ToLowerInvariant();
        }

        throw new SettingValueException($"must be one of {string.Join(", ", choices)}, got '{s}'");
    };

    public static object? Binds(object? v)
    {
        var list = (StringList)v!;
        foreach (string entry in list)
        {
            BindAddress.Parse(entry);
        }

        return list;
    }

    public static object? OptionalBind(object? v)
    {
        if (v is string { Length: > 0 } s)
        {
            BindAddress.Parse(s);
        }

        return v;
    }

    public static object? IpList(object? v)
    {
        var list = (StringList)v!;
        foreach (string entry in list)
        {
            if (!SettingValues.IsIpOrCidr(entry))
            {
                throw new SettingValueException($"'{entry}' is not an IP address, a CIDR network or *");
            }
        }

        return list;
    }

    public static object? RawEnv(object? v)
    {
        var list = (StringList)v!;
        foreach (string entry in list)
        {
            if (entry.IndexOf('=', StringComparison.Ordinal) <= 0)
            {
                throw new SettingValueException($"'{entry}' is not KEY=VALUE");
            }
        }

        return list;
    }

    public static object? DirtyApps(object? v)
    {
        var list = (StringList)v!;
        foreach (string entry in list)
        {
            string[] parts = entry.Split(':');
            if (parts.Length is < 2 or > 3 || parts[0].Length == 0 || parts[1].Length == 0)
            {
                throw new SettingValueException($"'{entry}' is not Assembly:Type or Assembly:Type:N");
            }

            if (parts.Length == 3 && (!int.TryParse(parts[2], out int n) || n < 1))
            {
                throw new SettingValueException($"'{entry}': the worker count after the second ':' must be a positive integer");
            }
        }

        return list;
    }

    public static object? HttpProtocols(object? v)
    {
        var list = (StringList)v!;
        if (list.Count == 0)
        {
            throw new SettingValueException("needs at least one of h1, h2");
        }

        foreach (string p in list)
        {
            if (p is not ("h1" or "h2" or "h3"))
            {
                throw new SettingValueException($"'{p}' is not a protocol (h1, h2)");
            }
        }

        return list;
    }

    public static object? LimitRequestLine(object? v)
    {
        // 0 keeps its meaning "no limit"; negative values and values past the hard cap become the cap.
        int i = (int)v!;
        return i < 0 || i >= 8190 ? 8190 : i;
    }

    public static object? LimitRequestFields(object? v)
    {
        int i = (int)v!;
        return i <= 0 || i > 32768 ? 32768 : i;
    }

    public static object? LimitRequestFieldSize(object? v)
    {
        // gunicorn's code (not its docs): zero or less means the 8190-byte default, never "unlimited".
        int i = (int)v!;
        return i <= 0 ? 8190 : i;
    }

    public static object? CertReqs(object? v)
    {
        int i = (int)v!;
        return i is >= 0 and <= 2 ? i : throw new SettingValueException($"must be 0 (none), 1 (optional) or 2 (required), got {i}");
    }

    public static object? Octal(object? v)
    {
        int i = (int)v!;
        return i is >= 0 and <= 0xFFF ? i : throw new SettingValueException($"must be a file mode between 0 and 07777, got {Convert.ToString(i, 8)}");
    }
}
