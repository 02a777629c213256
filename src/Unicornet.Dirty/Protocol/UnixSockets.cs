using System.Globalization;
using System.Net.Sockets;
using Unicornet.Platform;

namespace Unicornet.Dirty.Protocol;

/// <summary>The dirty pool's listening sockets: where they live and how they are made private.</summary>
internal static class UnixSockets
{
    /// <summary>
    /// The socket a dirty worker serves calls on directly, beside the arbiter's sockets in their private
    /// directory. Derived from the pid, so the arbiter and the worker agree on it without a message.
    /// </summary>
    public static string WorkerCallSocket(string directory, int pid) =>
        Path.Combine(directory, "dirty-worker-" + pid.ToString(CultureInfo.InvariantCulture) + ".sock");

    /// <summary>Binds and listens on <paramref name="path"/> (replacing a stale file), mode 0600 from birth.</summary>
    public static Socket Listen(string path)
    {
        TryDelete(path);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        int old = ProcessInfo.SetUmask(0x3F); // 0077: no window in which the socket is open to others
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        finally
        {
            ProcessInfo.SetUmask(old);
        }

        ProcessInfo.Chmod(path, 0x180); // 0600
        socket.Listen(512);
        return socket;
    }

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
