
namespace Unicornet.Dirty.Tests.Infrastructure;

/// <summary>The dirty tests' names for the shared process cleanup (<see cref="ProcessTree"/>) and waits.</summary>
internal static class ProcessKill
{
    /// <summary>Kills the process <paramref name="pid"/> names now, and its descendants, by pid.</summary>
    public static void Kill(int pid) => ProcessTree.Kill(pid);

    /// <summary>
    /// Kills the processes named when the test learned their pids, and their descendants; one that has exited
    /// is left alone even if the kernel has since given its pid to another process (pids wrap at 32768 here, and a
    /// full test run reuses them within minutes).
    /// </summary>
    public static void Kill(params ProcessIdentity?[] processes) => ProcessTree.Kill(processes.OfType<ProcessIdentity>());

    /// <summary>Waits for a pid to disappear (it may be a zombie of another parent for a moment: a zombie counts as gone).</summary>
    public static bool WaitGone(int pid, TimeSpan timeout) => Eventually.Poll(() => !ProcessTree.Alive(pid), timeout);

    public static bool Alive(int pid) => ProcessTree.Alive(pid);
}
