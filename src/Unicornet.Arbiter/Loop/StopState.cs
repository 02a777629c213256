namespace Unicornet.Arbitration;

/// <summary>The moment a stop begins, shared by <c>/readyz</c> and the shutdown sequence.</summary>
/// <remarks>
/// Marked when TERM (or INT/QUIT) arrives, before any <c>shutdown_delay</c>: a load balancer must see the
/// instance as not ready for the whole delay, while it still serves. Read from other threads (the metrics
/// listener), written by the master's main loop. In the project's namespace: a namespace
/// <c>Unicornet.Arbiter</c> would collide with the public type <c>Unicornet.Arbiter</c> hooks receive.
/// </remarks>
internal sealed class StopState
{
    private int _stopping;

    /// <summary>True from the moment a stop was asked for.</summary>
    public bool Stopping => Volatile.Read(ref _stopping) != 0;

    /// <summary>Records that a stop has begun; later calls change nothing.</summary>
    public void MarkStopping() => Interlocked.Exchange(ref _stopping, 1);
}
