namespace Unicornet.Arbitration;

/// <summary>
/// The moment a stop begins, shared by <c>/readyz</c> (which answers 503 from then on) and the shutdown
/// sequence. Written on the main loop, read by the metrics listener's threads.
/// </summary>
internal sealed class StopState
{
    private int _stopping;

    /// <summary>Whether a stop has begun.</summary>
    public bool Stopping => Volatile.Read(ref _stopping) != 0;

    /// <summary>Marks the start of a stop; idempotent.</summary>
    public void MarkStopping() => Interlocked.Exchange(ref _stopping, 1);
}
