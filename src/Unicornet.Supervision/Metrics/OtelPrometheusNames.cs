using System.Text;

namespace Unicornet.Supervision.Metrics;

/// <summary>
/// OpenTelemetry's Prometheus compatibility rules for names: <c>myapp.orders</c> (a counter) becomes
/// <c>myapp_orders_total</c>, the unit becomes a suffix (<c>s</c> → <c>_seconds</c>, <c>By</c> → <c>_bytes</c>,
/// <c>m/s</c> → <c>_meters_per_second</c>, <c>1</c> → <c>_ratio</c> on gauges), annotations in braces are dropped.
/// </summary>
public static class OtelPrometheusNames
{
    private static readonly Dictionary<string, string> s_units = new(StringComparer.Ordinal)
    {
        ["d"] = "days", ["h"] = "hours", ["min"] = "minutes", ["s"] = "seconds", ["ms"] = "milliseconds", ["us"] = "microseconds", ["ns"] = "nanoseconds",
        ["By"] = "bytes", ["KiBy"] = "kibibytes", ["MiBy"] = "mebibytes", ["GiBy"] = "gibibytes", ["TiBy"] = "tibibytes",
        ["KBy"] = "kilobytes", ["MBy"] = "megabytes", ["GBy"] = "gigabytes", ["TBy"] = "terabytes",
        ["m"] = "meters", ["V"] = "volts", ["A"] = "amperes", ["J"] = "joules", ["W"] = "watts", ["g"] = "grams",
        ["Cel"] = "celsius", ["Hz"] = "hertz", ["%"] = "percent",
    };

    private static readonly Dictionary<string, string> s_perUnits = new(StringComparer.Ordinal)
    {
        ["s"] = "second", ["m"] = "minute", ["h"] = "hour", ["d"] = "day", ["w"] = "week", ["mo"] = "month", ["y"] = "year",
    };

    /// <summary>The Prometheus metric name of an instrument: sanitized, unit suffixed, <c>_total</c> on counters.</summary>
    public static string MetricName(string name, string? unit, MeterInstrumentKind kind)
    {
        ArgumentNullException.ThrowIfNull(name);
        string metric = Sanitize(name, allowColon: true);
        bool counter = kind == MeterInstrumentKind.Counter;
        if (counter && metric.EndsWith("_total", StringComparison.Ordinal))
        {
            metric = metric[..^6];
        }

        if (UnitSuffix(unit, kind) is { Length: > 0 } suffix && !metric.EndsWith("_" + suffix, StringComparison.Ordinal))
        {
            metric = metric + "_" + suffix;
        }

        return counter ? metric + "_total" : metric;
    }

    /// <summary>A label name: invalid characters become <c>_</c>, a leading digit gets <c>key_</c>.</summary>
    public static string LabelName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string label = Sanitize(name, allowColon: false);
        return label.Length > 0 && char.IsAsciiDigit(label[0]) ? "key_" + label : label;
    }

    /// <summary>The suffix a unit adds (<c>seconds</c>, <c>meters_per_second</c>, <c>ratio</c>), empty when none.</summary>
    public static string UnitSuffix(string? unit, MeterInstrumentKind kind)
    {
        if (string.IsNullOrWhiteSpace(unit))
        {
            return "";
        }

        string u = StripAnnotations(unit).Trim();
        if (u == "1")
        {
            return kind == MeterInstrumentKind.Gauge ? "ratio" : "";
        }

        int slash = u.IndexOf('/', StringComparison.Ordinal);
        string main = slash < 0 ? u : u[..slash];
        string per = slash < 0 ? "" : u[(slash + 1)..];
        string mainText = main.Length == 0 ? "" : s_units.GetValueOrDefault(main, main);
        string perText = per.Length == 0 ? "" : "per_" + s_perUnits.GetValueOrDefault(per, per);
        string joined = mainText.Length > 0 && perText.Length > 0 ? mainText + "_" + perText : mainText + perText;
        return Sanitize(joined, allowColon: false).Trim('_');
    }

    private static string StripAnnotations(string unit)
    {
        var sb = new StringBuilder(unit.Length);
        int depth = 0;
        foreach (char c in unit)
        {
            if (c == '{')
            {
                depth++;
            }
            else if (c == '}' && depth > 0)
            {
                depth--;
            }
            else if (depth == 0)
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    private static string Sanitize(string name, bool allowColon)
    {
        var sb = new StringBuilder(name.Length + 1);
        foreach (char c in name)
        {
            bool ok = char.IsAsciiLetterOrDigit(c) || c == '_' || (allowColon && c == ':');
            char next = ok ? c : '_';
            if (next == '_' && sb.Length > 0 && sb[^1] == '_')
            {
                continue;
            }

            sb.Append(next);
        }

        if (allowColon && sb.Length > 0 && char.IsAsciiDigit(sb[0]))
        {
            sb.Insert(0, '_');
        }

        return sb.ToString();
    }
}
