using Unicornet.Http.Serving;
using Unicornet.Supervision;

namespace Unicornet.Workers.Supervision;

/// <summary>
/// Evens out accepts between the workers of one master through their heartbeat files: each worker publishes its
/// open connections in its own slot, and reads its siblings' slots (the other <c>hb-*</c> files in its heartbeat
/// directory; a slot whose heartbeat is stale belongs to a dead or stuck worker and is ignored). A worker holding
/// clearly more connections than the least busy live sibling waits up to <see cref="MaxWaitMs"/> before its next
/// accept, 1 ms at a time, so the sibling (woken by the same connection) takes it; the connection stays queued in
/// the shared listen queue meanwhile. Measured cause (issue 15): wrk's 64 connections split up to 63/1.
/// <para>
/// It holds back only while its connections are long-lived: when fewer short connections (open under a second)
/// ended in about the last second than are open now. Short connections (Connection: close) even out by
/// themselves, since a worker that is busy accepts later; holding back then only delays accepts, and cut
/// gthread's Connection: close throughput about six-fold when it applied to every accept. Long connections
/// ending do not count: a load test's keep-alive connections closing must not stop the next burst of them
/// from being balanced.
/// </para>
/// </summary>
internal sealed class PeerAcceptBalancer : IAcceptBalancer, IDisposable
{
    /// <summary>The longest a worker holds back one accept: bounded, so a sibling that never accepts costs little.</summary>
    private const int MaxWaitMs = 10;

    /// <summary>A sibling whose heartbeat is older than this is not counted.</summary>
    private const long StaleMs = 5000;

    private const long RescanMs = 1000;

    /// <summary>
    /// The span of one bucket of <see cref="_closes"/> (closes are counted over one to two of them), and the most
    /// a connection may have lived to count as short.
    /// </summary>
    private const long ChurnWindowMs = 1000;

    private readonly HeartbeatFile _own;
    private readonly string _directory;
    private readonly Dictionary<string, HeartbeatFile> _peers = new(StringComparer.Ordinal);
    private long _nextScan;

    // Closes of short connections in the current and the previous window, and the current window's number; written under _churnLock
    // by whichever thread ends a connection (gthread ends them on pool threads).
    private readonly Lock _churnLock = new();
    private long _closes;
    private long _closesBefore;
    private long _window;

    private PeerAcceptBalancer(HeartbeatFile own, string directory)
    {
        _own = own;
        _directory = directory;
    }

    /// <summary>A balancer for the worker that owns <paramref name="heartbeat"/>; null when it has no directory of its own.</summary>
    public static PeerAcceptBalancer? For(HeartbeatFile heartbeat) =>
        Path.GetDirectoryName(heartbeat.Path) is { Length: > 0 } directory ? new PeerAcceptBalancer(heartbeat, directory) : null;

    public void Opened(int open) => _own.Connections = open;

    public void Closed(int open, long livedMs)
    {
        _own.Connections = open;
        if (livedMs >= ChurnWindowMs)
        {
            return;
        }

        lock (_churnLock)
        {
            Roll(Environment.TickCount64);
            _closes++;
        }
    }

    public ValueTask WaitTurnAsync(int open, CancellationToken stop) =>
        open > 0 && LongLived(open) && ShouldWait(open) ? WaitAsync(stop) : ValueTask.CompletedTask;

    public void Dispose()
    {
        lock (_peers)
        {
            foreach (HeartbeatFile peer in _peers.Values)
            {
                peer.Dispose();
            }

            _peers.Clear();
        }
    }

    private async ValueTask WaitAsync(CancellationToken stop)
    {
        for (int waited = 0; waited < MaxWaitMs; waited++)
        {
            try
            {
                await Task.Delay(1, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            int open = (int)_own.Connections;
            if (!LongLived(open) || !ShouldWait(open))
            {
                return;
            }
        }
    }

    /// <summary>True when fewer short connections ended in about the last second than <paramref name="open"/>.</summary>
    private bool LongLived(int open)
    {
        lock (_churnLock)
        {
            Roll(Environment.TickCount64);
            return _closes + _closesBefore < open;
        }
    }

    /// <summary>Moves the close counts on to the window <paramref name="now"/> falls in.</summary>
    private void Roll(long now)
    {
        long window = now / ChurnWindowMs;
        if (window == _window)
        {
            return;
        }

        _closesBefore = window == _window + 1 ? _closes : 0;
        _closes = 0;
        _window = window;
    }

    /// <summary>True when a live sibling holds clearly fewer connections (more than one, and 1/8, fewer).</summary>
    private bool ShouldWait(int open)
    {
        long least = long.MaxValue;
        lock (_peers)
        {
            Rescan();
            foreach (HeartbeatFile peer in _peers.Values)
            {
                if (peer.SilentMilliseconds < StaleMs && peer.Phase == WorkerPhase.Ready)
                {
                    least = Math.Min(least, peer.Connections);
                }
            }
        }

        return least != long.MaxValue && open > least + 1 + (least / 8);
    }

    private void Rescan()
    {
        long now = Environment.TickCount64;
        if (now < _nextScan)
        {
            return;
        }

        _nextScan = now + RescanMs;
        string[] files;
        try
        {
            files = Directory.GetFiles(_directory, "hb-*");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }

        var present = new HashSet<string>(files, StringComparer.Ordinal);
        foreach (string gone in _peers.Keys.Where(p => !present.Contains(p)).ToArray())
        {
            _peers[gone].Dispose();
            _peers.Remove(gone);
        }

        foreach (string path in files)
        {
            if (path == _own.Path || _peers.ContainsKey(path) || new FileInfo(path).Length < HeartbeatFile.Size)
            {
                continue;
            }

            try
            {
                _peers[path] = HeartbeatFile.Open(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                // gone or not ready yet; the next scan tries again
            }
        }
    }
}
