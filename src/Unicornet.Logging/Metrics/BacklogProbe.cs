using System.Globalization;
using Microsoft.Win32.SafeHandles;
using Unicornet.Platform;

namespace Unicornet.Logging.Metrics;

/// <summary>
/// <c>enable_backlog_metric</c>: how many connections wait in the listeners' accept queues. For a
/// listening TCP socket Linux reports the current accept-queue length as rx_queue in /proc/net/tcp[6];
/// the socket's inode (from /proc/self/fd) finds its row.
/// </summary>
/// <remarks>
/// The tables list every socket of the network namespace, so on a busy host they are large: they are read
/// through one fixed buffer a few lines at a time and parsed as bytes, which leaves no garbage per line in
/// the master and keeps its memory flat whatever the host's connection count.
/// </remarks>
public sealed class BacklogProbe
{
    private const int BufferSize = 8 * 1024;
    private static readonly string[] s_tables = ["/proc/net/tcp", "/proc/net/tcp6"];

    private readonly long[] _inodes;
    private readonly int[] _fds;
    private readonly object _gate = new();
    private readonly byte[] _buffer = new byte[BufferSize];

    /// <summary>Creates a probe for the listening sockets with these descriptors.</summary>
    public BacklogProbe(IEnumerable<int> listenerFds)
    {
        ArgumentNullException.ThrowIfNull(listenerFds);
        var fds = new List<int>();
        foreach (int fd in listenerFds)
        {
            fds.Add(fd);
        }

        _fds = fds.ToArray();
        long[] inodes = new long[_fds.Length];
        int count = 0;
        foreach (int fd in _fds)
        {
            string? target = new FileInfo("/proc/self/fd/" + fd.ToString(CultureInfo.InvariantCulture)).LinkTarget;
            if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal) && target.EndsWith(']')
                && long.TryParse(target.AsSpan(8, target.Length - 9), NumberStyles.None, CultureInfo.InvariantCulture, out long inode))
            {
                inodes[count++] = inode;
            }
        }

        _inodes = new long[count];
        Array.Copy(inodes, _inodes, count);
    }

    /// <summary>Whether this probe watches exactly these descriptors, in this order (a caller keeps it until its listeners change).</summary>
    public bool Watches(int[] listenerFds)
    {
        ArgumentNullException.ThrowIfNull(listenerFds);
        if (listenerFds.Length != _fds.Length)
        {
            return false;
        }

        for (int i = 0; i < _fds.Length; i++)
        {
            if (listenerFds[i] != _fds[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The summed accept-queue length, or null when /proc cannot be read.</summary>
    public int? Read()
    {
        lock (_gate)
        {
            try
            {
                int total = 0;
                foreach (string table in s_tables)
                {
                    if (!File.Exists(table))
                    {
                        continue;
                    }

                    using SafeFileHandle handle = File.OpenHandle(table, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                    total += ReadTable(handle);
                }

                return total;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
            {
                return null;
            }
        }
    }

    private int ReadTable(SafeFileHandle handle)
    {
        byte[] buffer = _buffer;
        long offset = 0;
        int kept = 0;
        bool header = true;
        int total = 0;
        while (true)
        {
            // Sequential offsets: procfs' seq_file answers pread at the position the last read ended.
            int n = RandomAccess.Read(handle, buffer.AsSpan(kept), offset);
            if (n <= 0)
            {
                return total;
            }

            offset += n;
            int length = kept + n;
            int start = 0;
            while (true)
            {
                int newline = buffer.AsSpan(start, length - start).IndexOf((byte)'\n');
                if (newline < 0)
                {
                    break;
                }

                if (!header)
                {
                    total += QueuedIn(buffer.AsSpan(start, newline));
                }

                header = false;
                start += newline + 1;
            }

            // A row longer than the whole buffer cannot be a socket row: drop it rather than stall.
            kept = length - start;
            if (kept == buffer.Length)
            {
                kept = 0;
            }
            else
            {
                buffer.AsSpan(start, kept).CopyTo(buffer);
            }
        }
    }

    private bool IsListener(long inode)
    {
        foreach (long mine in _inodes)
        {
            if (mine == inode)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The row's rx_queue when its inode (field 10) is one of the listeners', else 0.</summary>
    private int QueuedIn(ReadOnlySpan<byte> row)
    {
        ReadOnlySpan<byte> rest = row;
        scoped ReadOnlySpan<byte> queues = default;
        for (int i = 0; i < 9; i++)
        {
            ReadOnlySpan<byte> field = ProcFile.NextField(ref rest);
            if (field.IsEmpty)
            {
                return 0;
            }

            if (i == 4)
            {
                queues = field;
            }
        }

        if (ProcFile.ParseLong(ProcFile.NextField(ref rest)) is not long inode || !IsListener(inode))
        {
            return 0;
        }

        int colon = queues.IndexOf((byte)':');
        return colon >= 0 && ProcFile.ParseHex(queues[(colon + 1)..]) is long queued ? (int)queued : 0;
    }
}
