namespace Unicornet.Platform;

/// <summary>Linux signal numbers and sending them (.NET has no public kill(2)).</summary>
public static class Signals
{
    public const int SIGHUP = 1;
    public const int SIGINT = 2;
    public const int SIGQUIT = 3;
    public const int SIGABRT = 6;
    public const int SIGKILL = 9;
    public const int SIGUSR1 = 10;
    public const int SIGUSR2 = 12;
    public const int SIGPIPE = 13;
    public const int SIGTERM = 15;
    public const int SIGCHLD = 17;
    public const int SIGCONT = 18;
    public const int SIGTTIN = 21;
    public const int SIGTTOU = 22;
    public const int SIGWINCH = 28;

    private const int ESRCH = 3;

    /// <summary>
    /// Puts back the default disposition of those of <paramref name="signals"/> that this process
    /// inherited as ignored (<c>nohup</c> ignores HUP), so a handler registered afterwards receives
    /// them. Returns the ones it changed. Signals with any other disposition are left alone.
    /// </summary>
    public static IReadOnlyList<int> ResetIgnored(IEnumerable<int> signals)
    {
        ArgumentNullException.ThrowIfNull(signals);
        ulong ignored = IgnoredMask();
        var reset = new List<int>();
        foreach (int signal in signals)
        {
            if ((ignored & (1UL << (signal - 1))) != 0)
            {
                Native.signal_(signal, Native.SIG_DFL);
                reset.Add(signal);
            }
        }

        return reset;
    }

    private static ulong IgnoredMask()
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("SigIgn:", StringComparison.Ordinal))
            {
                return ulong.Parse(line.AsSpan(7).Trim(), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; false when the process no longer exists.</summary>
    public static bool Send(int pid, int signal)
    {
        if (Native.kill(pid, signal) == 0)
        {
            return true;
        }

        int errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
        if (errno == ESRCH)
        {
            return false;
        }

        throw new System.ComponentModel.Win32Exception(errno, $"kill({pid}, {signal}) failed");
    }

    /// <summary>True when a process with this pid exists (signal 0).</summary>
    public static bool Exists(int pid) => pid > 0 && (Native.kill(pid, 0) == 0 || System.Runtime.InteropServices.Marshal.GetLastPInvokeError() != ESRCH);

    /// <summary>The conventional name (<c>TERM</c>, <c>USR1</c>, ...).</summary>
    public static string Name(int signal) => signal switch
    {
        SIGHUP => "HUP",
        SIGINT => "INT",
        SIGQUIT => "QUIT",
        SIGABRT => "ABRT",
        SIGKILL => "KILL",
        SIGUSR1 => "USR1",
        SIGUSR2 => "USR2",
        SIGPIPE => "PIPE",
        SIGTERM => "TERM",
        SIGCHLD => "CHLD",
        SIGTTIN => "TTIN",
        SIGTTOU => "TTOU",
        SIGWINCH => "WINCH",
        _ => "SIG" + signal,
    };
}
