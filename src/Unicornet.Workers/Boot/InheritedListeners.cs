using System.Globalization;
using System.Net.Sockets;
using Unicornet.Platform;

namespace Unicornet.Workers.Boot;

/// <summary>The listening sockets the master passed down, by fd number.</summary>
internal static class InheritedListeners
{
    /// <summary>Wraps the comma-separated fds; each is made close-on-exec so the app's children do not hold it.</summary>
    public static IReadOnlyList<Socket> Wrap(string fds)
    {
        var list = new List<Socket>();
        foreach (string part in fds.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            int fd = int.Parse(part, CultureInfo.InvariantCulture);
            FileDescriptors.SetCloseOnExec(fd, true);
            list.Add(new Socket(new SafeSocketHandle(fd, ownsHandle: true)));
        }

        return list;
    }
}
