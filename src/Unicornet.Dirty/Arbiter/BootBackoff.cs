using System.Diagnostics;
using Unicornet.Dirty.Apps;

namespace Unicornet.Dirty.Arbiter;

/// <summary>
/// Respawns of workers that died before they were ready, held back longer after each failure in a row so
/// a broken app does not turn into a fork loop. Used under the pool's lock.
/// </summary>
internal sealed class BootBackoff
{
    private readonly List<(IReadOnlyList<DirtyAppSpec> Apps, WorkerHandle? Replaces)> _pending = new();
    private int _failures;
    private long _notBefore;

    /// <summary>True while the last failure's delay runs: no worker is started meanwhile.</summary>
    public bool Waiting => Stopwatch.GetTimestamp() < _notBefore;

    /// <summary>Queues the respawn of a worker that failed to boot; returns the delay in seconds.</summary>
    public double Failed(IReadOnlyList<DirtyAppSpec> apps, WorkerHandle? replaces)
    {
        _failures++;
        double delay = Math.Min(30, Math.Pow(2, Math.Min(_failures, 5)) / 2);
        _notBefore = Stopwatch.GetTimestamp() + (long)(delay * Stopwatch.Frequency);
        _pending.Add((apps, replaces));
        return delay;
    }

    /// <summary>A worker became ready: the next failure starts from the shortest delay again.</summary>
    public void Succeeded() => _failures = 0;

    /// <summary>The oldest queued respawn, if any.</summary>
    public bool TryTake(out IReadOnlyList<DirtyAppSpec> apps, out WorkerHandle? replaces)
    {
        if (_pending.Count == 0)
        {
            apps = [];
            replaces = null;
            return false;
        }

        (apps, replaces) = _pending[0];
        _pending.RemoveAt(0);
        return true;
    }
}
