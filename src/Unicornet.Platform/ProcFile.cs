using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace Unicornet.Platform;

/// <summary>
/// Reads small /proc files into a caller's buffer and splits them as bytes. The master reads /proc on every
/// metrics scrape and memory check; strings and arrays per field would be garbage its GC rarely collects.
/// </summary>
public static class ProcFile
{
    /// <summary><c>/proc/PID/NAME</c>.</summary>
    public static string PidPath(int pid, string name) =>
        string.Concat("/proc/", pid.ToString(CultureInfo.InvariantCulture), "/", name);

    /// <summary>Reads as much of <paramref name="path"/> as fits into <paramref name="buffer"/>; the length read, or -1 when it cannot be read.</summary>
    public static int Read(string path, Span<byte> buffer)
    {
        try
        {
            using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return ReadFrom(handle, buffer);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return -1;
        }
    }

    /// <summary>Reads the whole of <paramref name="path"/> into <paramref name="buffer"/>, growing it as needed; the length read, or -1 when it cannot be read.</summary>
    public static int ReadAll(string path, ref byte[] buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        try
        {
            using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            int length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }

                // Sequential offsets: procfs' seq_file files answer pread at the position the last read ended.
                int n = RandomAccess.Read(handle, buffer.AsSpan(length), length);
                if (n <= 0)
                {
                    return length;
                }

                length += n;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return -1;
        }
    }

    /// <summary>The next space-separated field of <paramref name="rest"/> (empty when none is left), and <paramref name="rest"/> moved past it.</summary>
    public static ReadOnlySpan<byte> NextField(ref ReadOnlySpan<byte> rest)
    {
        int start = 0;
        while (start < rest.Length && IsSpace(rest[start]))
        {
            start++;
        }

        int end = start;
        while (end < rest.Length && !IsSpace(rest[end]))
        {
            end++;
        }

        ReadOnlySpan<byte> field = rest[start..end];
        rest = rest[end..];
        return field;
    }

    /// <summary>A non-negative decimal number, or null.</summary>
    public static long? ParseLong(ReadOnlySpan<byte> digits)
    {
        if (digits.IsEmpty || digits.Length > 18)
        {
            return null;
        }

        long value = 0;
        foreach (byte b in digits)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return null;
            }

            value = (value * 10) + (b - '0');
        }

        return value;
    }

    /// <summary>A non-negative hexadecimal number, or null.</summary>
    public static long? ParseHex(ReadOnlySpan<byte> digits)
    {
        if (digits.IsEmpty || digits.Length > 15)
        {
            return null;
        }

        long value = 0;
        foreach (byte b in digits)
        {
            int d = b switch
            {
                >= (byte)'0' and <= (byte)'9' => b - '0',
                >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
                _ => -1,
            };
            if (d < 0)
            {
                return null;
            }

            value = (value << 4) | (uint)d;
        }

        return value;
    }

    private static int ReadFrom(SafeFileHandle handle, Span<byte> buffer)
    {
        int length = 0;
        while (length < buffer.Length)
        {
            int n = RandomAccess.Read(handle, buffer[length..], length);
            if (n <= 0)
            {
                break;
            }

            length += n;
        }

        return length;
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\n' or (byte)'\t';
}
