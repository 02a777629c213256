namespace Unicornet.Supervision.Metrics;

/// <summary>
/// The bucket bounds of <c>http.server.request.duration</c>, as OpenTelemetry's HTTP semantic conventions
/// advise them (seconds), plus the +Inf bucket.
/// </summary>
public static class RequestDurationBuckets
{
    private static readonly long[] s_boundsNanoseconds = [5_000_000, 10_000_000, 25_000_000, 50_000_000, 75_000_000, 100_000_000, 250_000_000, 500_000_000, 750_000_000, 1_000_000_000, 2_500_000_000, 5_000_000_000, 7_500_000_000, 10_000_000_000];

    /// <summary>The upper bounds in seconds, without +Inf.</summary>
    public static IReadOnlyList<double> BoundsSeconds { get; } = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    /// <summary>How many buckets, +Inf included.</summary>
    public const int Count = 15;

    /// <summary>The bucket a duration falls in (upper bounds are inclusive, as Prometheus' <c>le</c>).</summary>
    public static int IndexOf(long nanoseconds)
    {
        long[] bounds = s_boundsNanoseconds;
        for (int i = 0; i < bounds.Length; i++)
        {
            if (nanoseconds <= bounds[i])
            {
                return i;
            }
        }

        return bounds.Length;
    }
}
