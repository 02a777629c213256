using System.Collections.Concurrent;

namespace Unicornet.Control;

/// <summary>
/// Hands work from control-socket threads to a single-threaded main loop: the socket side awaits
/// <see cref="InvokeAsync{T}(Func{T}, CancellationToken)"/>, the loop calls <see cref="RunPending"/>
/// whenever it wakes. This is how an <see cref="IControlHandler"/> keeps the master's state owned by
/// one thread.
/// </summary>
public sealed class MainLoopDispatcher
{
    private readonly ConcurrentQueue<Action> _pending = new();
    private readonly Action _wake;

    /// <summary>Creates a dispatcher; <paramref name="wake"/> must make the main loop run soon (it may be called from any thread).</summary>
    public MainLoopDispatcher(Action wake)
    {
        _wake = wake;
    }

    /// <summary>True when work is waiting.</summary>
    public bool HasPending => !_pending.IsEmpty;

    /// <summary>Queues <paramref name="work"/> for the main loop and completes with its result (or exception).</summary>
    public Task<T> InvokeAsync<T>(Func<T> work, CancellationToken cancellationToken = default)
    {
        TaskCompletionSource<T> completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        CancellationTokenRegistration registration = cancellationToken.Register(() => completion.TrySetCanceled(cancellationToken));
        _pending.Enqueue(() =>
        {
            registration.Dispose();
            if (completion.Task.IsCompleted)
            {
                return;
            }

            try
            {
                completion.TrySetResult(work());
            }
            catch (Exception e)
            {
                completion.TrySetException(e);
            }
        });
        _wake();
        return completion.Task;
    }

    /// <summary>Runs every queued item on the calling thread (the main loop); returns how many ran.</summary>
    public int RunPending()
    {
        int ran = 0;
        while (_pending.TryDequeue(out Action? item))
        {
            item();
            ran++;
        }

        return ran;
    }
}
