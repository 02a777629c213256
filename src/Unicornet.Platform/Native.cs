using System.Runtime.InteropServices;

namespace Unicornet.Platform;

/// <summary>
/// libc entry points. This project is the only place in unicornet that declares P/Invoke; other
/// projects call the small wrappers in this folder. Split by concern into partial files.
/// </summary>
internal static unsafe partial class Native
{
    private const string Libc = "libc";

    public const int F_GETFD = 1;
    public const int F_SETFD = 2;
    public const int FD_CLOEXEC = 1;

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int fcntl(int fd, int cmd, int arg);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int kill(int pid, int sig);

    public const nint SIG_DFL = 0;

    [LibraryImport(Libc, EntryPoint = "signal")]
    public static partial nint signal_(int sig, nint handler);

    [LibraryImport(Libc)]
    public static partial int getpid();

    [LibraryImport(Libc)]
    public static partial int getppid();

    [LibraryImport(Libc)]
    public static partial uint getuid();

    [LibraryImport(Libc)]
    public static partial uint geteuid();

    [LibraryImport(Libc)]
    public static partial uint getgid();

    [LibraryImport(Libc)]
    public static partial int umask(int mask);

    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int chmod(string path, int mode);

    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int chown(string path, uint uid, uint gid);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int setsid();

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int setuid(uint uid);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int setgid(uint gid);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int setgroups(nint size, uint* list);

    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int initgroups(string user, uint group);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int prctl(int option, nint arg2, nint arg3, nint arg4, nint arg5);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int dup(int fd);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int dup2(int oldfd, int newfd);
}
