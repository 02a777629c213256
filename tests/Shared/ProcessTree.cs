using System.Diagnostics;
using System.Globalization;
using Unicornet.Platform;

namespace Unicornet.Tests.Shared;

/// <summary>
/// The one way tests clean up processes they started: every process of the tree below the given pids is
/// found through /proc and killed by pid, within a deadline. Linked into every test project.
/// </summary>
internal static class ProcessTree
{
    // Not in Signals: only this cleanup needs it. Linux's number.
    private const int StopSignal = 19;

    /// <summary>The default time a cleanup may take before it gives up (and the test run reports the leak).</summary>
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Kills <paramref name="roots"/> and all their descendants. A root whose pid now names another process
    /// (its start time differs: the pid was reused) is left alone. The tree is frozen first (SIGSTOP) and
    /// re-read until it stops growing, so a process forked during the cleanup cannot escape to init.
    /// Returns true when every one of them is gone (exited or a zombie) before the deadline.
    /// </summary>
    public static bool Kill(IEnumerable<ProcessIdentity> roots, TimeSpan? deadline = null)
    {
        var elapsed = Stopwatch.StartNew();
        var tree = new HashSet<int>();
        var pending = new Queue<int>(roots.Where(r => r.Pid > 0 && r.Pid != Environment.ProcessId && r.IsStill()).Select(r => r.Pid));
        while (pending.Count > 0)
        {
            int pid = pending.Dequeue();
            if (!tree.Add(pid) || !Alive(pid))
            {
                continue;
            }

            Send(pid, StopSignal);
            foreach (int child in ChildrenOf(pid))
            {
                pending.Enqueue(child);
            }
        }

        foreach (int pid in tree)
        {
            Send(pid, Signals.SIGKILL);
        }

        return Eventually.Poll(() => !tree.Any(Alive), (deadline ?? DefaultDeadline) - elapsed.Elapsed);
    }

    /// <summary>Kills the live process <paramref name="pid"/> names now, and its descendants.</summary>
    public static bool Kill(int pid, TimeSpan? deadline = null) =>
        ProcessIdentity.Of(pid) is { } identity ? Kill([identity], deadline) : true;

    /// <summary>Kills <paramref name="process"/> (if it still runs) and its descendants, then waits for it to be reaped.</summary>
    public static bool Kill(Process process, TimeSpan? deadline = null)
    {
        TimeSpan limit = deadline ?? DefaultDeadline;
        bool gone = true;
        if (!process.HasExited)
        {
            gone = Kill(process.Id, limit);
        }

        return process.WaitForExit(limit) && gone;
    }

    /// <summary>Live direct children of <paramref name="pid"/> (zombies excluded), read from /proc.</summary>
    public static List<int> ChildrenOf(int pid)
    {
        var children = new List<int>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int candidate))
            {
                continue;
            }

            if (Stat(candidate) is { } stat && stat.State != 'Z' && stat.Parent == pid)
            {
                children.Add(candidate);
            }
        }

        return children;
    }

    /// <summary>Every live descendant of <paramref name="pid"/>, parents before their children.</summary>
    public static List<int> DescendantsOf(int pid)
    {
        var result = new List<int>();
        var queue = new Queue<int>([pid]);
        while (queue.Count > 0)
        {
            foreach (int child in ChildrenOf(queue.Dequeue()))
            {
                result.Add(child);
                queue.Enqueue(child);
            }
        }

        return result;
    }

    /// <summary>True while the pid names a process that has not exited (a zombie counts as gone).</summary>
    public static bool Alive(int pid) => Stat(pid) is { State: not 'Z' };

    /// <summary>State, parent pid and start time (clock ticks after boot) from /proc/PID/stat; null once the pid is gone.</summary>
    internal static (char State, int Parent, long StartTime)? Stat(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");

            // The fields after the command (which may contain spaces and parentheses) start after the last ')'.
            int close = stat.LastIndexOf(')');
            string[] fields = stat[(close + 2)..].Split(' ');
            // Field 22 (starttime) overall, the 20th after the command.
            return (fields[0][0], int.Parse(fields[1], CultureInfo.InvariantCulture), long.Parse(fields[19], CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static void Send(int pid, int signal)
    {
        try
        {
            Signals.Send(pid, signal);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // EPERM: a pid that is no longer ours (reused); nothing of ours to clean up there.
        }
    }
}

/// <summary>A process named by pid and start time, so that a pid the kernel has since reused is not mistaken for it.</summary>
internal readonly record struct ProcessIdentity(int Pid, long StartTime)
{
    /// <summary>The process <paramref name="pid"/> names now; null when there is none.</summary>
    public static ProcessIdentity? Of(int pid) => ProcessTree.Stat(pid) is { } stat ? new ProcessIdentity(pid, stat.StartTime) : null;

    /// <summary>True while the pid still names this same process (zombies included: their pid is not free yet).</summary>
    public bool IsStill() => ProcessTree.Stat(Pid) is { } stat && stat.StartTime == StartTime;
}
