using Unicornet.Platform;

namespace Unicornet.Dirty.Tests.Infrastructure;

internal static class ProcessKill
{
    public static void Kill(int pid)
    {
        if (pid > 0 && Signals.Exists(pid))
        {
            Signals.Send(pid, Signals.SIGKILL);
        }
    }

    /// <summary>Waits for a pid to disappear (it may be a zombie of another parent for a moment: check /proc state too).</summary>
    public static bool WaitGone(int pid, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (!Alive(pid))
            {
                return true;
            }

            Thread.Sleep(50);
        }

        return !Alive(pid);
    }

    public static bool Alive(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            int close = stat.LastIndexOf(')');
            return close > 0 && stat.Length > close + 2 && stat[close + 2] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}
