using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.RegularExpressions;
using Unicornet.Supervision.Metrics;

namespace Unicornet.Workers.Metrics;

/// <summary>
/// Listens to the app's meters named by <c>metrics_meters</c> (and unicornet's own dirty-call meter) and keeps each
/// instrument's cumulative values per tag set, for <see cref="Snapshot"/> to publish. Aggregating here, not in the
/// master, keeps a measurement in-process: one short lock per instrument, no I/O.
/// </summary>
internal sealed class AppMeterListener : IDisposable
{
    /// <summary>unicornet's own meters, listened to whenever metrics are on.</summary>
    internal const string OwnMeters = "Unicornet.*";

    private static readonly double[] s_defaultBounds = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];
    private readonly MeterListener _listener = new();
    private readonly Regex[] _globs;
    private readonly List<InstrumentState> _instruments = [];

    public AppMeterListener(IEnumerable<string> globs)
    {
        _globs = globs.Append(OwnMeters).Select(Glob).ToArray();
        _listener.InstrumentPublished = OnPublished;
        _listener.MeasurementsCompleted = (_, state) =>
        {
            lock (_instruments)
            {
                _instruments.Remove((InstrumentState)state!);
            }
        };
        _listener.SetMeasurementEventCallback<double>(static (i, v, t, s) => ((InstrumentState)s!).Record(v, t));
        _listener.SetMeasurementEventCallback<float>(static (i, v, t, s) => ((InstrumentState)s!).Record(v, t));
        _listener.SetMeasurementEventCallback<long>(static (i, v, t, s) => ((InstrumentState)s!).Record(v, t));
        _listener.SetMeasurementEventCallback<int>(static (i, v, t, s) => ((InstrumentState)s!).Record(v, t));
        _listener.SetMeasurementEventCallback<short>(static (i, v, t, s) => ((InstrumentState)s!).Record(v, t));
        _listener.SetMeasurementEventCallback<byte>(static (i, v, t, s) => ((InstrumentState)s!).Record(v, t));
        _listener.SetMeasurementEventCallback<decimal>(static (i, v, t, s) => ((InstrumentState)s!).Record((double)v, t));
        _listener.Start();
    }

    /// <summary>Whether a meter called <paramref name="meter"/> is listened to.</summary>
    public bool Matches(string meter) => _globs.Any(g => g.IsMatch(meter));

    /// <summary>Polls the observable instruments, then copies every instrument's values.</summary>
    public IReadOnlyList<MeterInstrument> Snapshot()
    {
        _listener.RecordObservableInstruments();
        InstrumentState[] states;
        lock (_instruments)
        {
            states = [.. _instruments];
        }

        return states.Select(s => s.Snapshot()).Where(s => s.Series.Count > 0).ToArray();
    }

    public void Dispose() => _listener.Dispose();

    private static Regex Glob(string glob) =>
        new("^" + Regex.Escape(glob).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private void OnPublished(Instrument instrument, MeterListener listener)
    {
        if (!Matches(instrument.Meter.Name) || Kind(instrument) is not { } kind)
        {
            return;
        }

        var state = new InstrumentState(instrument, kind.Kind, kind.Sets, kind.Kind == MeterInstrumentKind.Histogram ? Bounds(instrument) : []);
        lock (_instruments)
        {
            _instruments.Add(state);
        }

        listener.EnableMeasurementEvents(instrument, state);
    }

    private static (MeterInstrumentKind Kind, bool Sets)? Kind(Instrument instrument)
    {
        if (!instrument.GetType().IsGenericType)
        {
            return null;
        }

        Type t = instrument.GetType().GetGenericTypeDefinition();
        return t == typeof(Counter<>) ? (MeterInstrumentKind.Counter, false)
            : t == typeof(ObservableCounter<>) ? (MeterInstrumentKind.Counter, true)
            : t == typeof(UpDownCounter<>) ? (MeterInstrumentKind.UpDownCounter, false)
            : t == typeof(ObservableUpDownCounter<>) ? (MeterInstrumentKind.UpDownCounter, true)
            : t == typeof(Gauge<>) || t == typeof(ObservableGauge<>) ? (MeterInstrumentKind.Gauge, true)
            : t == typeof(Histogram<>) ? (MeterInstrumentKind.Histogram, false)
            : null;
    }

    private static double[] Bounds(Instrument instrument)
    {
        IReadOnlyList<double>? advised = instrument switch
        {
            Histogram<double> h => h.Advice?.HistogramBucketBoundaries,
            Histogram<float> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            Histogram<long> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            Histogram<int> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            _ => null,
        };
        return advised is { Count: > 0 } ? [.. advised] : s_defaultBounds;
    }

    /// <summary>One instrument's values by tag set.</summary>
    private sealed class InstrumentState
    {
        private readonly Instrument _instrument;
        private readonly MeterInstrumentKind _kind;
        private readonly bool _sets;
        private readonly double[] _bounds;
        private readonly List<Series> _series = [];

        public InstrumentState(Instrument instrument, MeterInstrumentKind kind, bool sets, double[] bounds)
        {
            _instrument = instrument;
            _kind = kind;
            _sets = sets;
            _bounds = bounds;
        }

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            lock (_series)
            {
                Series s = Find(tags);
                if (_kind == MeterInstrumentKind.Histogram)
                {
                    int bucket = 0;
                    while (bucket < _bounds.Length && value > _bounds[bucket])
                    {
                        bucket++;
                    }

                    s.Counts[bucket]++;
                    s.Value += value;
                }
                else if (_sets)
                {
                    s.Value = value;
                }
                else
                {
                    s.Value += value;
                }
            }
        }

        public MeterInstrument Snapshot()
        {
            MeterSeries[] series;
            lock (_series)
            {
                series = _series.Select(s => new MeterSeries(
                    s.Tags.Select(t => new KeyValuePair<string, string>(t.Key, Convert.ToString(t.Value, CultureInfo.InvariantCulture) ?? "")).OrderBy(t => t.Key, StringComparer.Ordinal).ToArray(),
                    s.Value,
                    [.. s.Counts])).ToArray();
            }

            return new MeterInstrument(_instrument.Meter.Name, _instrument.Name, _instrument.Unit ?? "", _instrument.Description ?? "", _kind, _bounds, series);
        }

        private Series Find(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (Series s in _series)
            {
                if (s.Matches(tags))
                {
                    return s;
                }
            }

            var created = new Series(tags.ToArray(), _kind == MeterInstrumentKind.Histogram ? new long[_bounds.Length + 1] : []);
            _series.Add(created);
            return created;
        }
    }

    private sealed class Series
    {
        public Series(KeyValuePair<string, object?>[] tags, long[] counts)
        {
            Tags = tags;
            Counts = counts;
        }

        public KeyValuePair<string, object?>[] Tags { get; }

        public long[] Counts { get; }

        public double Value { get; set; }

        public bool Matches(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (tags.Length != Tags.Length)
            {
                return false;
            }

            for (int i = 0; i < tags.Length; i++)
            {
                if (!string.Equals(tags[i].Key, Tags[i].Key, StringComparison.Ordinal) || !Equals(tags[i].Value, Tags[i].Value))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
