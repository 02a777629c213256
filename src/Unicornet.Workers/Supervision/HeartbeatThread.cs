using Unicornet.Platform;

namespace Unicornet.Workers.Supervision;

/// <summary>
/// Dedicated threads (not the thread pool, which a busy app may starve) that stamp the heartbeat and notice
/// the master's death: the stdin pipe whose only writer is the master reaches EOF, or the parent pid changes.
/// They only report it (<see cref="MasterGone"/>); the worker's main loop acts.
/// </summary>
internal sealed class HeartbeatThread
{
    private readonly WorkerContext _worker;
    private readonly TaskCompletionSource _masterGone = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HeartbeatThread(WorkerContext worker)
    {
        _worker = worker;
    }

    /// <summary>Completes once when the master is gone.</summary>
    public Task MasterGone => _masterGone.Task;

    /// <summary>Starts the threads; they run until the process exits.</summary>
    public static HeartbeatThread Start(WorkerContext worker)
    {
        var watch = new HeartbeatThread(worker);
        new Thread(watch.BeatLoop) { IsBackground = true, Name = "unicornet-heartbeat" }.Start();
        if (Console.IsInputRedirected)
        {
            new Thread(watch.WatchStdin) { IsBackground = true, Name = "unicornet-parent-watch" }.Start();
        }

        return watch;
    }

    private void BeatLoop()
    {
        int timeout = _worker.Config.Options.Worker.Timeout;
        int intervalMs = timeout > 0 ? Math.Clamp(timeout * 1000 / 4, 100, 1000) : 1000;
        while (true)
        {
            _worker.Beat();
            if (ProcessInfo.ParentPid != _worker.MasterPid)
            {
                _masterGone.TrySetResult();
            }

            Thread.Sleep(intervalMs);
        }
    }

    private void WatchStdin()
    {
        try
        {
            using Stream input = Console.OpenStandardInput();
            byte[] buffer = new byte[64];
            while (input.Read(buffer, 0, buffer.Length) > 0)
            {
            }
        }
        catch (IOException)
        {
        }

        _masterGone.TrySetResult();
    }
}
