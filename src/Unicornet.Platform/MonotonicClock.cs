namespace Unicornet.Platform;

/// <summary>
/// The one clock process supervision keeps time with: CLOCK_MONOTONIC in milliseconds
/// (<see cref="Environment.TickCount64"/>). It is the same clock in every process, so a stamp one process
/// writes (a worker's heartbeat) means the same to another (the master); it never jumps with the wall clock.
/// </summary>
public static class MonotonicClock
{
    /// <summary>Now, in milliseconds since an arbitrary fixed point (boot).</summary>
    public static long Now => Environment.TickCount64;

    /// <summary>Milliseconds since <paramref name="stamp"/> (a value of <see cref="Now"/>).</summary>
    public static long MillisecondsSince(long stamp) => Environment.TickCount64 - stamp;

    /// <summary>Time since <paramref name="stamp"/> (a value of <see cref="Now"/>).</summary>
    public static TimeSpan Since(long stamp) => TimeSpan.FromMilliseconds(Environment.TickCount64 - stamp);
}
