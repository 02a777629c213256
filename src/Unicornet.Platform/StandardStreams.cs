namespace Unicornet.Platform;

/// <summary>Rewires stdout and stderr at the descriptor level.</summary>
public static class StandardStreams
{
    /// <summary>Makes fds 1 and 2 duplicates of <paramref name="fd"/>.</summary>
    public static void Replace(int fd)
    {
        Console.Out.Flush();
        Console.Error.Flush();
        _ = Native.dup2(fd, 1);
        _ = Native.dup2(fd, 2);
    }
}
