using Unicornet.Dirty.Protocol;
using Unicornet.Platform;

namespace Unicornet.Dirty.Worker;

/// <summary>
/// Heartbeats come from a dedicated thread: blocking actions may occupy every thread-pool thread,
/// and a busy worker must not be mistaken for a hung one (calls have their own deadline). Each beat
/// carries the number of calls in flight, which is how the arbiter learns about direct calls.
/// </summary>
internal static class HeartbeatThread
{
    /// <summary>Beats on <paramref name="arbiter"/> until the worker aborts, or stops it when the arbiter process is gone.</summary>
    public static Task Start(FrameConnection arbiter, int timeoutSeconds, int arbiterPid, InFlightCalls calls, WorkerLifetime lifetime, ILog log)
    {
        TimeSpan interval = timeoutSeconds > 0 ? TimeSpan.FromMilliseconds(Math.Clamp(timeoutSeconds * 1000 / 4, 100, 5000)) : TimeSpan.FromSeconds(5);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                while (!lifetime.Aborted.WaitHandle.WaitOne(interval))
                {
                    if (ProcessInfo.ParentPid != arbiterPid)
                    {
                        DirtyLog.ArbiterGone(log, ProcessInfo.Pid);
                        lifetime.StopQuickly();
                        return;
                    }

                    var beat = new FrameBuilder(MessageType.Heartbeat, 0, 16);
                    beat.WriteInt64(calls.Count);
                    arbiter.Send(beat);
                }
            }
            finally
            {
                done.TrySetResult();
            }
        })
        {
            IsBackground = true,
            Name = "dirty-heartbeat",
        };
        thread.Start();
        return done.Task;
    }
}
