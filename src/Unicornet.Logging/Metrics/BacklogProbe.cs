using System.Globalization;

namespace Unicornet.Logging.Metrics;

/// <summary>
/// <c>enable_backlog_metric</c>: how many connections wait in the listeners' accept queues. For a
/// listening TCP socket Linux reports the current accept-queue length as rx_queue in /proc/net/tcp[6];
/// the socket's inode (from /proc/self/fd) finds its row.
/// </summary>
public sealed class BacklogProbe
{
    private readonly HashSet<string> _inodes;

    /// <summary>Creates a probe for the listening sockets with these descriptors.</summary>
    public BacklogProbe(IEnumerable<int> listenerFds)
    {
        _inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (int fd in listenerFds)
        {
            string? target = new FileInfo($"/proc/self/fd/{fd}").LinkTarget;
            if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal))
            {
                _inodes.Add(target[8..^1]);
            }
        }
    }

    /// <summary>The summed accept-queue length, or null when /proc cannot be read.</summary>
    public int? Read()
    {
        try
        {
            int total = 0;
            foreach (string table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
            {
                if (!File.Exists(table))
                {
                    continue;
                }

                foreach (string line in File.ReadLines(table).Skip(1))
                {
                    string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (f.Length > 9 && _inodes.Contains(f[9]))
                    {
                        string queues = f[4];
                        total += int.Parse(queues[(queues.IndexOf(':', StringComparison.Ordinal) + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                    }
                }
            }

            return total;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
