using System.Net.Sockets;

namespace Unicornet.Http.Serving;

/// <summary>
/// The connections the kernel has already queued on the listeners, for the end of a graceful stop that ends
/// listening for good (<see cref="IHttpServingEvents.DrainsAcceptQueue"/>): a queued connection dies with a reset
/// when the last fd of its listening socket closes, so a stopping worker takes them first.
/// </summary>
internal static class AcceptQueue
{
    /// <summary>
    /// One queued connection from any of <paramref name="listeners"/> without blocking, or null when every queue
    /// is empty (or closed). The listeners must be non-blocking: another worker may win the race for a connection.
    /// </summary>
    public static Socket? TryAccept(IReadOnlyList<Socket> listeners)
    {
        // A lost race (EAGAIN after the poll) or a client that gave up (ECONNABORTED) is worth another look:
        // the queue may hold more. Bounded, so a queue others keep emptying cannot hold this worker.
        for (int attempt = 0; attempt < 3; attempt++)
        {
            bool raced = false;
            foreach (Socket listener in listeners)
            {
                try
                {
                    // Poll first: an empty queue must not cost a thrown EAGAIN.
                    if (listener.Poll(0, SelectMode.SelectRead))
                    {
                        Socket socket = listener.Accept();
                        if (socket.ProtocolType == ProtocolType.Tcp)
                        {
                            socket.NoDelay = true;
                        }

                        return socket;
                    }
                }
                catch (SocketException)
                {
                    raced = true;
                }
                catch (ObjectDisposedException)
                {
                    // This listener is already closed; the others may still hold connections.
                }
            }

            if (!raced)
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>True while any of <paramref name="listeners"/> has a connection waiting to be accepted.</summary>
    public static bool AnyQueued(IReadOnlyList<Socket> listeners)
    {
        foreach (Socket listener in listeners)
        {
            try
            {
                if (listener.Poll(0, SelectMode.SelectRead))
                {
                    return true;
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // closed: nothing waits on it
            }
        }

        return false;
    }

    /// <summary>Makes every listener non-blocking (a lost accept race must return, not wait).</summary>
    public static void MakeNonBlocking(IReadOnlyList<Socket> listeners)
    {
        foreach (Socket listener in listeners)
        {
            try
            {
                listener.Blocking = false;
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // closed: TryAccept skips it
            }
        }
    }
}
