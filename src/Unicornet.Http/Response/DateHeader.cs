using System.Text;

namespace Unicornet.Http.Response;

/// <summary>The <c>Date: ...\r\n</c> line, re-encoded at most once a second and shared by every connection.</summary>
internal static class DateHeader
{
    private static byte[] s_line = [];
    private static long s_second = -1;

    public static ReadOnlySpan<byte> Line
    {
        get
        {
            long second = Environment.TickCount64 / 1000;
            if (second != Volatile.Read(ref s_second))
            {
                s_line = Encoding.ASCII.GetBytes("Date: " + DateTimeOffset.UtcNow.ToString("r") + "\r\n");
                Volatile.Write(ref s_second, second);
            }

            return s_line;
        }
    }
}
