using System.Text;
using Microsoft.Diagnostics.Runtime;

namespace Unicornet.Arbitration;

/// <summary>
/// Reads the managed stacks of a stuck worker from outside, with ClrMD (ptrace attach, suspend,
/// walk, detach; ~200 ms). Works even when the worker's runtime is wedged, where an in-process
/// dump could not run. The master is the worker's parent, so Yama's ptrace_scope=1 permits it.
/// </summary>
internal static class StackDumper
{
    /// <summary>Dumps with a deadline: the master's loop must never wait on a wedged attach.</summary>
    public static string Dump(int pid, TimeSpan limit)
    {
        Task<string> dump = Task.Factory.StartNew(() => Dump(pid), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        return dump.Wait(limit) ? dump.Result : $"stack traces unavailable: no answer within {limit.TotalSeconds:F0} s";
    }

    public static string Dump(int pid)
    {
        try
        {
            var sb = new StringBuilder();
            using DataTarget target = DataTarget.AttachToProcess(pid, suspend: true);
            if (target.ClrVersions.Length == 0)
            {
                return "no .NET runtime found in the process";
            }

            using ClrRuntime runtime = target.ClrVersions[0].CreateRuntime();
            foreach (ClrThread thread in runtime.Threads)
            {
                if (!thread.IsAlive)
                {
                    continue;
                }

                var frames = new List<string>();
                foreach (ClrStackFrame frame in thread.EnumerateStackTrace())
                {
                    if (frame.Method is not null)
                    {
                        frames.Add(frame.ToString() ?? "?");
                    }
                }

                if (frames.Count == 0)
                {
                    continue;
                }

                sb.Append("Thread ").Append(thread.ManagedThreadId).Append(" (os ").Append(thread.OSThreadId).Append("):\n");
                foreach (string f in frames)
                {
                    sb.Append("    at ").Append(f).Append('\n');
                }
            }

            return sb.Length == 0 ? "no managed frames" : sb.ToString();
        }
        catch (Exception e)
        {
            return "stack traces unavailable: " + e.Message;
        }
    }
}
