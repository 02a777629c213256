namespace Unicornet.Dirty.Protocol;

/// <summary>
/// One connection shared by every caller: opened on first use and again after it closed, by one caller
/// while the others wait for it.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "SemaphoreSlim holds a kernel handle only once AvailableWaitHandle is read, which this type never does; the connection it guards is released by Close.")]
internal sealed class SharedConnection
{
    private readonly SemaphoreSlim _openLock = new(1, 1);
    private readonly Func<CancellationToken, ValueTask<FrameConnection?>> _open;
    private FrameConnection? _current;

    /// <param name="open">Opens a connection (and starts reading it), or returns null when the peer cannot be reached.</param>
    public SharedConnection(Func<CancellationToken, ValueTask<FrameConnection?>> open)
    {
        _open = open;
    }

    /// <summary>The open connection, opening one first if needed; null when it cannot be opened.</summary>
    public async ValueTask<FrameConnection?> GetAsync(CancellationToken cancellationToken)
    {
        FrameConnection? current = Volatile.Read(ref _current);
        if (current is { IsClosed: false })
        {
            return current;
        }

        await _openLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            current = _current;
            if (current is { IsClosed: false })
            {
                return current;
            }

            current = await _open(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _current, current);
            return current;
        }
        finally
        {
            _openLock.Release();
        }
    }

    /// <summary>Forgets <paramref name="connection"/> if it is still the current one, so the next use opens another.</summary>
    public void Forget(FrameConnection connection) => Interlocked.CompareExchange(ref _current, null, connection);

    /// <summary>Closes the current connection, if any.</summary>
    public void Close() => Interlocked.Exchange(ref _current, null)?.Dispose();
}
