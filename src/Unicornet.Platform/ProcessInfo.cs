namespace Unicornet.Platform;

/// <summary>Facts about this process and others that .NET does not expose.</summary>
public static class ProcessInfo
{
    /// <summary>This process's id.</summary>
    public static int Pid => Native.getpid();

    /// <summary>The parent's id; becomes 1 (or a subreaper) when the parent dies.</summary>
    public static int ParentPid => Native.getppid();

    /// <summary>The real user id.</summary>
    public static uint Uid => Native.getuid();

    /// <summary>The effective user id.</summary>
    public static uint EffectiveUid => Native.geteuid();

    /// <summary>Sets the umask and returns the previous one.</summary>
    public static int SetUmask(int mask) => Native.umask(mask);

    /// <summary>Changes a file's mode.</summary>
    public static void Chmod(string path, int mode)
    {
        if (Native.chmod(path, mode) != 0)
        {
            throw new System.ComponentModel.Win32Exception(System.Runtime.InteropServices.Marshal.GetLastPInvokeError(), $"chmod({path}) failed");
        }
    }

    /// <summary>Resident set size of <paramref name="pid"/> in bytes, from /proc; null when it cannot be read.</summary>
    public static long? ResidentBytes(int pid)
    {
        // The metrics scrape and the memory watch call this for every worker: a stack buffer and span parsing,
        // so a read leaves no garbage behind in the master.
        Span<byte> buffer = stackalloc byte[256];
        int length = ProcFile.Read(ProcFile.PidPath(pid, "statm"), buffer);
        if (length <= 0)
        {
            return null;
        }

        // statm: size resident shared text lib data dt (pages).
        ReadOnlySpan<byte> rest = buffer[..length];
        return ProcFile.NextField(ref rest).IsEmpty || ProcFile.ParseLong(ProcFile.NextField(ref rest)) is not long pages ? null : pages * Environment.SystemPageSize;
    }

    /// <summary>CPU time (user + system) <paramref name="pid"/> has used, in seconds, from /proc; null when it cannot be read.</summary>
    public static double? CpuSeconds(int pid)
    {
        // pid (comm) state ppid ...: utime and stime are fields 14 and 15, well inside the first 512 bytes
        // (comm is at most 16 bytes, the 11 fields between are numbers).
        Span<byte> buffer = stackalloc byte[512];
        int length = ProcFile.Read(ProcFile.PidPath(pid, "stat"), buffer);
        if (length <= 0)
        {
            return null;
        }

        if (!AtStatField(buffer[..length], 14, out ReadOnlySpan<byte> rest))
        {
            return null;
        }

        // utime and stime, in USER_HZ ticks: 100 on every Linux ABI .NET runs on.
        return ProcFile.ParseLong(ProcFile.NextField(ref rest)) is long user && ProcFile.ParseLong(ProcFile.NextField(ref rest)) is long system ? (user + system) / 100.0 : null;
    }

    /// <summary>
    /// Milliseconds since this process started, to the kernel's 10 ms resolution; null when /proc cannot be read.
    /// The same figure as <c>DateTime.Now - Process.GetCurrentProcess().StartTime</c> (the kernel's start time
    /// against the time since boot), without loading System.Diagnostics.Process and its types into a worker.
    /// </summary>
    public static long? MillisecondsSinceStart()
    {
        // Field 22 of stat, starttime, sits past the command name and 19 numbers: 1 KB holds it.
        Span<byte> stat = stackalloc byte[1024];
        int length = ProcFile.Read("/proc/self/stat", stat);
        Span<byte> uptime = stackalloc byte[128];
        int uptimeLength = ProcFile.Read("/proc/uptime", uptime);
        if (length <= 0 || uptimeLength <= 0)
        {
            return null;
        }

        return ParseStartTicks(stat[..length]) is long startTicks && ParseUptimeMilliseconds(uptime[..uptimeLength]) is long upMs
            ? Math.Max(0, upMs - (startTicks * 10))
            : null;
    }

    /// <summary>starttime (field 22 of /proc/PID/stat) in USER_HZ ticks since boot, or null.</summary>
    private static long? ParseStartTicks(ReadOnlySpan<byte> stat)
    {
        if (!AtStatField(stat, 22, out ReadOnlySpan<byte> rest))
        {
            return null;
        }

        // USER_HZ is 100 on every Linux ABI .NET runs on (as CpuSeconds assumes).
        return ProcFile.ParseLong(ProcFile.NextField(ref rest));
    }

    /// <summary>
    /// Positions <paramref name="rest"/> at field <paramref name="field"/> (1-based, 3 or more) of a /proc/PID/stat
    /// line; false when the line is shorter.
    /// </summary>
    private static bool AtStatField(ReadOnlySpan<byte> stat, int field, out ReadOnlySpan<byte> rest)
    {
        // The command name (field 2) may hold spaces and parentheses: the fields after it start past the last ')'.
        rest = default;
        int close = stat.LastIndexOf((byte)')');
        if (close < 0)
        {
            return false;
        }

        rest = stat[(close + 1)..];

        for (int skipped = 3; skipped < field; skipped++)
        {
            if (ProcFile.NextField(ref rest).IsEmpty)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The first figure of /proc/uptime (<c>12345.67</c> seconds since boot) in milliseconds, or null.</summary>
    private static long? ParseUptimeMilliseconds(ReadOnlySpan<byte> uptime)
    {
        ReadOnlySpan<byte> first = ProcFile.NextField(ref uptime);
        int dot = first.IndexOf((byte)'.');
        if (dot < 0)
        {
            return ProcFile.ParseLong(first) * 1000;
        }

        ReadOnlySpan<byte> fraction = first[(dot + 1)..];
        if (ProcFile.ParseLong(first[..dot]) is not long seconds || fraction.Length is 0 or > 3 || ProcFile.ParseLong(fraction) is not long digits)
        {
            return null;
        }

        for (int i = fraction.Length; i < 3; i++)
        {
            digits *= 10;
        }

        return (seconds * 1000) + digits;
    }

    private const int PR_SET_NAME = 15;
    private const int PR_SET_PTRACER = 0x59616d61;

    /// <summary>
    /// Lets <paramref name="pid"/> and the processes it starts ptrace this one where Yama's ptrace_scope=1 would
    /// otherwise allow only ancestors. Without Yama the call fails and nothing changes: ptrace is already allowed.
    /// </summary>
    public static void AllowTracingBy(int pid) => _ = Native.prctl(PR_SET_PTRACER, pid, 0, 0, 0);

    /// <summary>
    /// Sets the title <c>ps</c> shows. The kernel's comm name (15 bytes) is set with prctl; the full
    /// command line cannot be rewritten from managed code, so <c>ps -o comm</c> and <c>top</c> show it.
    /// </summary>
    public static unsafe void SetTitle(string title)
    {
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(title.Length > 15 ? title[..15] : title);
        byte* buffer = stackalloc byte[16];
        for (int i = 0; i < bytes.Length; i++)
        {
            buffer[i] = bytes[i];
        }

        buffer[bytes.Length] = 0;
        _ = Native.prctl(PR_SET_NAME, (nint)buffer, 0, 0, 0);
    }
}
