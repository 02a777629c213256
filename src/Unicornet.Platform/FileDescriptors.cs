using System.Runtime.InteropServices;

namespace Unicornet.Platform;

/// <summary>Close-on-exec control, so a listener can be handed to a child process by number.</summary>
public static class FileDescriptors
{
    /// <summary>Lets child processes inherit <paramref name="fd"/> (clears FD_CLOEXEC).</summary>
    public static void MakeInheritable(int fd) => SetCloseOnExec(fd, false);

    /// <summary>Sets or clears FD_CLOEXEC on <paramref name="fd"/>.</summary>
    public static void SetCloseOnExec(int fd, bool closeOnExec)
    {
        int flags = Native.fcntl(fd, Native.F_GETFD, 0);
        if (flags < 0)
        {
            throw new System.ComponentModel.Win32Exception(Marshal.GetLastPInvokeError(), $"fcntl(F_GETFD) on fd {fd} failed");
        }

        int wanted = closeOnExec ? flags | Native.FD_CLOEXEC : flags & ~Native.FD_CLOEXEC;
        if (wanted != flags && Native.fcntl(fd, Native.F_SETFD, wanted) < 0)
        {
            throw new System.ComponentModel.Win32Exception(Marshal.GetLastPInvokeError(), $"fcntl(F_SETFD) on fd {fd} failed");
        }
    }

    /// <summary>True when <paramref name="fd"/> is open in this process.</summary>
    public static bool IsOpen(int fd) => Native.fcntl(fd, Native.F_GETFD, 0) >= 0;

    /// <summary>Closes a raw descriptor.</summary>
    public static void Close(int fd) => Native.close(fd);
}
