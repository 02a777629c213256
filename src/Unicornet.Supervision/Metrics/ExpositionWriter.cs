using System.Globalization;
using System.Text;

namespace Unicornet.Supervision.Metrics;

/// <summary>The metric types the exposition formats know.</summary>
public enum ExpositionType
{
    /// <summary>A monotonic counter (name ends in <c>_total</c>).</summary>
    Counter,

    /// <summary>A value that goes up and down.</summary>
    Gauge,

    /// <summary>Cumulative buckets, a sum and a count.</summary>
    Histogram,
}

/// <summary>
/// Writes the Prometheus text exposition format 0.0.4, or OpenMetrics 1.0.0 text (counter families named
/// without <c>_total</c>, a closing <c># EOF</c>). The caller writes each family once, its samples right after it.
/// </summary>
public sealed class ExpositionWriter
{
    /// <summary>The content type of the Prometheus text format.</summary>
    public const string PrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>The content type of OpenMetrics text.</summary>
    public const string OpenMetricsContentType = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private readonly StringBuilder _out = new(8192);
    private readonly bool _openMetrics;

    /// <summary>Starts a document in OpenMetrics (<paramref name="openMetrics"/>) or the Prometheus text format.</summary>
    public ExpositionWriter(bool openMetrics)
    {
        _openMetrics = openMetrics;
    }

    /// <summary>This document's content type.</summary>
    public string ContentType => _openMetrics ? OpenMetricsContentType : PrometheusContentType;

    /// <summary>Whether an <c>Accept</c> header asks for OpenMetrics.</summary>
    public static bool WantsOpenMetrics(string? accept) =>
        accept is not null && accept.Contains("application/openmetrics-text", StringComparison.OrdinalIgnoreCase);

    /// <summary>Starts a family: <c># HELP</c> and <c># TYPE</c>.</summary>
    public void Family(string name, ExpositionType type, string help)
    {
        ArgumentNullException.ThrowIfNull(name);
        string family = _openMetrics && type == ExpositionType.Counter && name.EndsWith("_total", StringComparison.Ordinal) ? name[..^6] : name;
        _out.Append("# HELP ").Append(family).Append(' ');
        AppendEscaped(help ?? "", inLabel: false);
        _out.Append('\n').Append("# TYPE ").Append(family).Append(' ').Append(type switch
        {
            ExpositionType.Counter => "counter",
            ExpositionType.Gauge => "gauge",
            _ => "histogram",
        }).Append('\n');
    }

    /// <summary>One sample of a counter or gauge.</summary>
    public void Sample(string name, IReadOnlyList<KeyValuePair<string, string>> labels, double value)
    {
        ArgumentNullException.ThrowIfNull(name);
        _out.Append(name);
        AppendLabels(labels, null);
        _out.Append(' ').Append(Number(value)).Append('\n');
    }

    /// <summary>One histogram series: per-bucket counts (<paramref name="counts"/>, one more than <paramref name="bounds"/>, not cumulative) and the sum.</summary>
    public void Histogram(string name, IReadOnlyList<KeyValuePair<string, string>> labels, IReadOnlyList<double> bounds, ReadOnlySpan<long> counts, double sum)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(bounds);
        long cumulative = 0;
        for (int i = 0; i <= bounds.Count; i++)
        {
            cumulative += i < counts.Length ? counts[i] : 0;
            _out.Append(name).Append("_bucket");
            AppendLabels(labels, i < bounds.Count ? Bound(bounds[i]) : "+Inf");
            _out.Append(' ').Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        for (int i = bounds.Count + 1; i < counts.Length; i++)
        {
            cumulative += counts[i];
        }

        _out.Append(name).Append("_sum");
        AppendLabels(labels, null);
        _out.Append(' ').Append(Number(sum)).Append('\n');
        _out.Append(name).Append("_count");
        AppendLabels(labels, null);
        _out.Append(' ').Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    /// <summary>The finished document.</summary>
    public string Finish()
    {
        if (_openMetrics)
        {
            _out.Append("# EOF\n");
        }

        return _out.ToString();
    }

    private string Bound(double bound)
    {
        string text = Number(bound);
        return _openMetrics && !text.Contains('.', StringComparison.Ordinal) && !text.Contains('e', StringComparison.OrdinalIgnoreCase) && !text.Contains("Inf", StringComparison.Ordinal) ? text + ".0" : text;
    }

    private static string Number(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf" : double.IsNegativeInfinity(value) ? "-Inf" : double.IsNaN(value) ? "NaN" : value.ToString("R", CultureInfo.InvariantCulture);

    private void AppendLabels(IReadOnlyList<KeyValuePair<string, string>> labels, string? le)
    {
        if (labels.Count == 0 && le is null)
        {
            return;
        }

        _out.Append('{');
        bool first = true;
        foreach (KeyValuePair<string, string> l in labels)
        {
            if (!first)
            {
                _out.Append(',');
            }

            first = false;
            _out.Append(l.Key).Append("=\"");
            AppendEscaped(l.Value, inLabel: true);
            _out.Append('"');
        }

        if (le is not null)
        {
            _out.Append(first ? "" : ",").Append("le=\"").Append(le).Append('"');
        }

        _out.Append('}');
    }

    private void AppendEscaped(string text, bool inLabel)
    {
        foreach (char c in text)
        {
            switch (c)
            {
                case '\\':
                    _out.Append(@"\\");
                    break;
                case '\n':
                    _out.Append(@"\n");
                    break;
                case '"' when inLabel || _openMetrics:
                    _out.Append("\\\"");
                    break;
                default:
                    _out.Append(c);
                    break;
            }
        }
    }
}
