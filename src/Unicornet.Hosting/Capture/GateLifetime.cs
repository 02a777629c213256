using Microsoft.Extensions.Hosting;

namespace Unicornet.Hosting.Capture;

/// <summary>
/// Replaces the app's <see cref="IHostLifetime"/> (ConsoleLifetime). Host.StartAsync awaits
/// <see cref="WaitForStartAsync"/> before it starts any hosted service, so nothing binds or serves
/// until unicornet opens the gate. It also keeps the app from installing its own SIGTERM/SIGINT
/// handlers: signals belong to the worker.
/// </summary>
internal sealed class GateLifetime : IHostLifetime
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _open;

    public GateLifetime(Task open)
    {
        _open = open;
    }

    /// <summary>Completes when the host arrived at the gate (the app called Run/Start).</summary>
    public Task Reached => _reached.Task;

    public async Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        _reached.TrySetResult();
        await _open.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
