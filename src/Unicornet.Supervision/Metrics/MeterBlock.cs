using System.Text;

namespace Unicornet.Supervision.Metrics;

/// <summary>What kind of System.Diagnostics.Metrics instrument a <see cref="MeterInstrument"/> came from, as the master merges it.</summary>
public enum MeterInstrumentKind
{
    /// <summary>Counter or ObservableCounter: summed over workers, kept when a worker leaves.</summary>
    Counter = 0,

    /// <summary>UpDownCounter or ObservableUpDownCounter: summed over the live workers.</summary>
    UpDownCounter = 1,

    /// <summary>Gauge or ObservableGauge: kept per worker with a pid label.</summary>
    Gauge = 2,

    /// <summary>Histogram: buckets, sum and count summed over workers, kept when a worker leaves.</summary>
    Histogram = 3,
}

/// <summary>One instrument's current values in one worker.</summary>
/// <param name="Meter">The meter's name.</param>
/// <param name="Name">The instrument's name.</param>
/// <param name="Unit">Its unit (UCUM, as OpenTelemetry writes it), empty when none.</param>
/// <param name="Description">Its description.</param>
/// <param name="Kind">How the master merges it.</param>
/// <param name="Bounds">Histogram bucket upper bounds, empty otherwise.</param>
/// <param name="Series">One entry per tag set.</param>
public sealed record MeterInstrument(string Meter, string Name, string Unit, string Description, MeterInstrumentKind Kind, double[] Bounds, IReadOnlyList<MeterSeries> Series);

/// <summary>One tag set's value: a cumulative sum, a gauge's last value, or a histogram.</summary>
/// <param name="Tags">The tags, in a stable order.</param>
/// <param name="Value">The sum or last value; a histogram's sum.</param>
/// <param name="Counts">A histogram's per-bucket counts (one more than its bounds), empty otherwise.</param>
public sealed record MeterSeries(KeyValuePair<string, string>[] Tags, double Value, long[] Counts);

/// <summary>The encoding a worker publishes its meters in (<see cref="WorkerMetricsFile.PublishMeters"/>) and the master reads.</summary>
public static class MeterBlock
{
    private const int Version = 1;

    /// <summary>Encodes <paramref name="instruments"/>.</summary>
    public static byte[] Encode(IReadOnlyList<MeterInstrument> instruments)
    {
        ArgumentNullException.ThrowIfNull(instruments);
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Version);
            w.Write(instruments.Count);
            foreach (MeterInstrument i in instruments)
            {
                w.Write(i.Meter);
                w.Write(i.Name);
                w.Write(i.Unit);
                w.Write(i.Description);
                w.Write((byte)i.Kind);
                w.Write(i.Bounds.Length);
                foreach (double b in i.Bounds)
                {
                    w.Write(b);
                }

                w.Write(i.Series.Count);
                foreach (MeterSeries s in i.Series)
                {
                    w.Write(s.Tags.Length);
                    foreach (KeyValuePair<string, string> t in s.Tags)
                    {
                        w.Write(t.Key);
                        w.Write(t.Value);
                    }

                    w.Write(s.Value);
                    w.Write(s.Counts.Length);
                    foreach (long c in s.Counts)
                    {
                        w.Write(c);
                    }
                }
            }
        }

        return stream.ToArray();
    }

    /// <summary>Decodes a block; an empty or malformed one reads as no instruments.</summary>
    public static IReadOnlyList<MeterInstrument> Decode(byte[] block)
    {
        ArgumentNullException.ThrowIfNull(block);
        if (block.Length < 8)
        {
            return [];
        }

        try
        {
            using var r = new BinaryReader(new MemoryStream(block, writable: false), Encoding.UTF8);
            if (r.ReadInt32() != Version)
            {
                return [];
            }

            int count = Bounded(r.ReadInt32());
            var result = new List<MeterInstrument>(count);
            for (int i = 0; i < count; i++)
            {
                string meter = r.ReadString(), name = r.ReadString(), unit = r.ReadString(), description = r.ReadString();
                var kind = (MeterInstrumentKind)r.ReadByte();
                double[] bounds = new double[Bounded(r.ReadInt32())];
                for (int b = 0; b < bounds.Length; b++)
                {
                    bounds[b] = r.ReadDouble();
                }

                int seriesCount = Bounded(r.ReadInt32());
                var series = new List<MeterSeries>(seriesCount);
                for (int s = 0; s < seriesCount; s++)
                {
                    var tags = new KeyValuePair<string, string>[Bounded(r.ReadInt32())];
                    for (int t = 0; t < tags.Length; t++)
                    {
                        tags[t] = new(r.ReadString(), r.ReadString());
                    }

                    double value = r.ReadDouble();
                    long[] counts = new long[Bounded(r.ReadInt32())];
                    for (int c = 0; c < counts.Length; c++)
                    {
                        counts[c] = r.ReadInt64();
                    }

                    series.Add(new MeterSeries(tags, value, counts));
                }

                result.Add(new MeterInstrument(meter, name, unit, description, kind, bounds, series));
            }

            return result;
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or FormatException)
        {
            return [];
        }
    }

    private static int Bounded(int n) => n is >= 0 and <= WorkerMetricsFile.MeterCapacity ? n : throw new FormatException("bad count");
}
