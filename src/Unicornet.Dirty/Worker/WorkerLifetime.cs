namespace Unicornet.Dirty.Worker;

/// <summary>
/// How a dirty worker is stopping: <see cref="Stopping"/> ends its main wait (TERM: graceful; INT, QUIT,
/// ABRT or a lost arbiter: quick), <see cref="Aborted"/> then cancels whatever still runs.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The token sources live as long as the process and are cancelled from signal handling at any moment; disposing them would race Cancel, and a source without a timer holds no unmanaged resource.")]
internal sealed class WorkerLifetime
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _abort = new();
    private volatile bool _quick;

    public CancellationToken Stopping => _stopping.Token;

    public CancellationToken Aborted => _abort.Token;

    public bool IsStopping => _stopping.IsCancellationRequested;

    /// <summary>True when running calls are not waited for.</summary>
    public bool IsQuick => _quick;

    public void Stop() => _stopping.Cancel();

    public void StopQuickly()
    {
        _quick = true;
        _stopping.Cancel();
    }

    /// <summary>The arbiter's connection ended: stop quickly, unless a stop is under way already.</summary>
    public void ArbiterLost()
    {
        if (!_stopping.IsCancellationRequested)
        {
            StopQuickly();
        }
    }

    public void Abort() => _abort.Cancel();
}
