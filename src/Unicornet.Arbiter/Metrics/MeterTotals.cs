using System.Globalization;
using Unicornet.Supervision.Metrics;

namespace Unicornet.Arbitration;

/// <summary>
/// The app's instruments merged over workers under their Prometheus names: counters, up-down counters and
/// histograms summed per tag set; gauges kept per worker with a <c>pid</c> label.
/// </summary>
internal sealed class MeterTotals
{
    private readonly Dictionary<string, Family> _families = new(StringComparer.Ordinal);

    /// <summary>The families in ordinal name order.</summary>
    public Family[] Families => OrdinalOrder.Values(_families);

    /// <summary>Adds one worker's instrument; <paramref name="pid"/> labels gauges; <paramref name="monotonicOnly"/> skips what must not outlive its worker.</summary>
    public void Add(MeterInstrument instrument, int pid, bool monotonicOnly = false)
    {
        if (monotonicOnly && instrument.Kind is not (MeterInstrumentKind.Counter or MeterInstrumentKind.Histogram))
        {
            return;
        }

        string name = OtelPrometheusNames.MetricName(instrument.Name, instrument.Unit, instrument.Kind);
        if (!_families.TryGetValue(name, out Family? family))
        {
            family = new Family(name, instrument.Kind, instrument.Description.Length > 0 ? instrument.Description : instrument.Name, instrument.Bounds);
            _families[name] = family;
        }
        else if (family.Kind != instrument.Kind || !family.Bounds.AsSpan().SequenceEqual(instrument.Bounds))
        {
            return; // two instruments claim one name with different shapes: keep the first
        }

        bool gauge = instrument.Kind == MeterInstrumentKind.Gauge;
        string? pidText = gauge ? pid.ToString(CultureInfo.InvariantCulture) : null;
        foreach (MeterSeries s in instrument.Series)
        {
            // Loops rather than LINQ: this runs for every series of every worker on each scrape.
            var labels = new KeyValuePair<string, string>[s.Tags.Length + (gauge ? 1 : 0)];
            int count = 0;
            foreach (KeyValuePair<string, string> t in s.Tags)
            {
                string key = OtelPrometheusNames.LabelName(t.Key);
                if (!gauge || key != "pid")
                {
                    labels[count++] = new(key, t.Value);
                }
            }

            if (pidText is not null)
            {
                labels[count++] = new("pid", pidText);
            }

            if (count != labels.Length)
            {
                labels = labels.AsSpan(0, count).ToArray();
            }

            SortByKey(labels);
            family.Add(labels, s.Value, s.Counts);
        }
    }

    /// <summary>A stable insertion sort by key (tag sets are a handful of labels).</summary>
    private static void SortByKey(KeyValuePair<string, string>[] labels)
    {
        for (int i = 1; i < labels.Length; i++)
        {
            KeyValuePair<string, string> item = labels[i];
            int j = i - 1;
            while (j >= 0 && string.CompareOrdinal(labels[j].Key, item.Key) > 0)
            {
                labels[j + 1] = labels[j];
                j--;
            }

            labels[j + 1] = item;
        }
    }

    public void AddAll(MeterTotals other)
    {
        foreach (Family f in other.Families)
        {
            if (!_families.TryGetValue(f.Name, out Family? mine))
            {
                mine = new Family(f.Name, f.Kind, f.Help, f.Bounds);
                _families[f.Name] = mine;
            }
            else if (mine.Kind != f.Kind || !mine.Bounds.AsSpan().SequenceEqual(f.Bounds))
            {
                continue;
            }

            foreach (Series s in f.Series)
            {
                mine.Add(s.Labels, s.Value, s.Counts);
            }
        }
    }

    internal sealed class Family
    {
        private readonly Dictionary<string, Series> _series = new(StringComparer.Ordinal);

        public Family(string name, MeterInstrumentKind kind, string help, double[] bounds)
        {
            Name = name;
            Kind = kind;
            Help = help;
            Bounds = bounds;
        }

        public string Name { get; }

        public MeterInstrumentKind Kind { get; }

        public string Help { get; }

        public double[] Bounds { get; }

        /// <summary>The series in ordinal order of their label sets.</summary>
        public Series[] Series => OrdinalOrder.Values(_series);

        public void Add(KeyValuePair<string, string>[] labels, double value, long[] counts)
        {
            var joined = new System.Text.StringBuilder();
            for (int i = 0; i < labels.Length; i++)
            {
                joined.Append(i == 0 ? "" : "\u0001").Append(labels[i].Key).Append('\u0002').Append(labels[i].Value);
            }

            string key = joined.ToString();
            if (!_series.TryGetValue(key, out Series? s))
            {
                s = new Series(labels, Kind == MeterInstrumentKind.Histogram ? new long[Bounds.Length + 1] : []);
                _series[key] = s;
            }

            s.Value += value;
            for (int i = 0; i < counts.Length && i < s.Counts.Length; i++)
            {
                s.Counts[i] += counts[i];
            }
        }
    }

    internal sealed class Series
    {
        public Series(KeyValuePair<string, string>[] labels, long[] counts)
        {
            Labels = labels;
            Counts = counts;
        }

        public KeyValuePair<string, string>[] Labels { get; }

        public long[] Counts { get; }

        public double Value { get; set; }
    }
}
