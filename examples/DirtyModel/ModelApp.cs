using System.Diagnostics;
using System.Runtime.CompilerServices;
using Unicornet;

namespace DirtyModel;

/// <summary>
/// A deliberately heavy dirty app: at init it generates 300,000 labelled samples of 32 features
/// (about 38 MB of floats) and trains a nearest-centroid classifier on them. <c>Predict</c> classifies
/// a feature vector, <c>Nearest</c> scans every sample (the heavy, blocking part dirty workers exist
/// for) and <c>Neighbours</c> streams the k nearest samples one by one.
/// </summary>
/// <remarks>
/// Load it in one dirty worker only with <c>dirty_apps = ["DirtyModel:DirtyModel.ModelApp:1"]</c>:
/// every other dirty worker then saves the model's memory.
/// </remarks>
public sealed class ModelApp : DirtyApp
{
    /// <summary>Features per sample.</summary>
    public const int Features = 32;

    private const int Classes = 4;
    private float[] _samples = [];
    private byte[] _labels = [];
    private float[][] _centroids = [];
    private long _trainedMs;
    private long _predictions;

    /// <summary>How many samples the model holds (300,000 unless <c>DIRTY_MODEL_SAMPLES</c> says otherwise).</summary>
    public int Samples => _labels.Length;

    /// <inheritdoc />
    public override async Task InitAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        int n = int.TryParse(Environment.GetEnvironmentVariable("DIRTY_MODEL_SAMPLES"), out int s) && s > 0 ? s : 300_000;
        var random = new Random(1234);
        float[][] centres = Enumerable.Range(0, Classes).Select(_ => Enumerable.Range(0, Features).Select(_ => (float)(random.NextDouble() * 10)).ToArray()).ToArray();
        _samples = new float[n * Features];
        _labels = new byte[n];
        for (int i = 0; i < n; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int label = random.Next(Classes);
            _labels[i] = (byte)label;
            for (int f = 0; f < Features; f++)
            {
                _samples[(i * Features) + f] = centres[label][f] + (float)Gaussian(random);
            }
        }

        _centroids = new float[Classes][];
        int[] counts = new int[Classes];
        for (int c = 0; c < Classes; c++)
        {
            _centroids[c] = new float[Features];
        }

        for (int i = 0; i < n; i++)
        {
            counts[_labels[i]]++;
            for (int f = 0; f < Features; f++)
            {
                _centroids[_labels[i]][f] += _samples[(i * Features) + f];
            }
        }

        for (int c = 0; c < Classes; c++)
        {
            for (int f = 0; f < Features; f++)
            {
                _centroids[c][f] /= Math.Max(1, counts[c]);
            }
        }

        _trainedMs = clock.ElapsedMilliseconds;
        await Stash.PutAsync("models", "DirtyModel", new Dictionary<string, object?> { ["samples"] = n, ["pid"] = Environment.ProcessId, ["trained_ms"] = _trainedMs }, cancellationToken);
        Log.Info("DirtyModel trained on {Samples} samples in {Ms} ms", n, _trainedMs);
    }

    /// <summary>The class of the nearest centroid and its distance.</summary>
    public Prediction Predict(float[] features)
    {
        Check(features);
        Interlocked.Increment(ref _predictions);
        int best = 0;
        double bestDistance = double.MaxValue;
        for (int c = 0; c < Classes; c++)
        {
            double d = Distance(features, _centroids[c], 0);
            if (d < bestDistance)
            {
                bestDistance = d;
                best = c;
            }
        }

        return new Prediction(best, Math.Sqrt(bestDistance));
    }

    /// <summary>Scans every sample for the nearest one: tens of milliseconds of CPU, which is why it runs here and not in an HTTP worker.</summary>
    public Prediction Nearest(float[] features)
    {
        Check(features);
        (int index, double distance) = Scan(features, 1)[0];
        return new Prediction(_labels[index], Math.Sqrt(distance), index);
    }

    /// <summary>Streams the <paramref name="k"/> nearest samples, nearest first.</summary>
    public async IAsyncEnumerable<Prediction> Neighbours(float[] features, int k = 5, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Check(features);
        foreach ((int index, double distance) in Scan(features, Math.Clamp(k, 1, 100)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return new Prediction(_labels[index], Math.Sqrt(distance), index);
        }
    }

    /// <summary>Does nothing: <c>/ping</c> times the round trip of a call itself.</summary>
    public void Ping()
    {
    }

    /// <summary>Size and use of the model, and the worker holding it.</summary>
    public Dictionary<string, object?> Stats() => new()
    {
        ["pid"] = Environment.ProcessId,
        ["samples"] = Samples,
        ["features"] = Features,
        ["classes"] = Classes,
        ["model_bytes"] = ((long)_samples.Length * sizeof(float)) + _labels.Length,
        ["trained_ms"] = _trainedMs,
        ["predictions"] = Interlocked.Read(ref _predictions),
        ["working_set_bytes"] = Environment.WorkingSet,
    };

    private List<(int Index, double Distance)> Scan(float[] features, int k)
    {
        var best = new List<(int Index, double Distance)>(k + 1);
        for (int i = 0; i < _labels.Length; i++)
        {
            double d = Distance(features, _samples, i * Features);
            if (best.Count < k || d < best[^1].Distance)
            {
                int at = best.FindIndex(b => b.Distance > d);
                best.Insert(at < 0 ? best.Count : at, (i, d));
                if (best.Count > k)
                {
                    best.RemoveAt(best.Count - 1);
                }
            }
        }

        return best;
    }

    private static double Distance(float[] a, float[] b, int offset)
    {
        double sum = 0;
        for (int f = 0; f < Features; f++)
        {
            double d = a[f] - b[offset + f];
            sum += d * d;
        }

        return sum;
    }

    private static void Check(float[] features)
    {
        if (features is null || features.Length != Features)
        {
            throw new ArgumentException($"expected {Features} features, got {features?.Length ?? 0}");
        }
    }

    private static double Gaussian(Random random)
    {
        double u1 = 1.0 - random.NextDouble();
        double u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}

/// <summary>A classification: the class, the distance to what decided it, and the sample index when one did.</summary>
/// <param name="Label">The predicted class (0-3).</param>
/// <param name="Distance">Euclidean distance to the centroid or sample.</param>
/// <param name="Sample">The index of the nearest sample, for the nearest-neighbour actions.</param>
public sealed record Prediction(int Label, double Distance, int Sample = -1);
