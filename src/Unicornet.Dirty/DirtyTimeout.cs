using System.Diagnostics;

namespace Unicornet.Dirty;

/// <summary><c>dirty_timeout</c> as the arbiter and the workers keep it: in Stopwatch ticks, long.MaxValue for none.</summary>
internal static class DirtyTimeout
{
    public static long Ticks(int seconds) => seconds > 0 ? seconds * Stopwatch.Frequency : long.MaxValue;
}
