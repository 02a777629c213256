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
        try
        {
            string statm = File.ReadAllText($"/proc/{pid}/statm");
            string[] parts = statm.Split(' ');
            return long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) * Environment.SystemPageSize;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>User plus system CPU seconds <paramref name="pid"/> used, from /proc; null when it cannot be read.</summary>
    public static double? CpuSeconds(int pid)
    {
        try
        {
            // The command name in parentheses may hold spaces: the fields counted here follow its closing one.
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            string[] f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            long ticks = long.Parse(f[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(f[12], System.Globalization.CultureInfo.InvariantCulture);
            return ticks / 100.0; // USER_HZ, which /proc always uses
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
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
