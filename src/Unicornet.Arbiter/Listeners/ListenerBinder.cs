using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Unicornet.Config;
using Unicornet.Config.Settings;
using Unicornet.Platform;

namespace Unicornet.Arbitration;

/// <summary>
/// Creates the master's listeners: from a previous master (UNICORNET_FDS + UNICORNET_PID on a USR2
/// upgrade), from systemd socket activation (LISTEN_FDS/LISTEN_PID), or by binding every
/// <c>bind</c> entry. Bind failures are retried 5 times, 1 s apart, as gunicorn does.
/// </summary>
internal static class ListenerBinder
{
    private const int SolSocket = 1;
    private const int SoReuseAddr = 2;
    private const int SoReusePort = 15;

    public static List<Listener> Create(UnicornetConfig config, ILog log, string? inheritedFds)
    {
        if (!string.IsNullOrEmpty(inheritedFds))
        {
            return Inherit(config, inheritedFds);
        }

        if (SystemdFds() is { } systemd)
        {
            log.UsingSystemdSockets(systemd.Count);
            return Inherit(config, string.Join(',', systemd));
        }

        var result = new List<Listener>();
        foreach (BindAddress address in config.Options.Listeners.Bind)
        {
            result.Add(BindWithRetry(address, config, log));
        }

        return result;
    }

    /// <summary>Binds the entries of <paramref name="config"/> not already in <paramref name="current"/>; returns the new set.</summary>
    public static List<Listener> Rebind(UnicornetConfig config, List<Listener> current, ILog log)
    {
        var next = new List<Listener>();
        var kept = new HashSet<Listener>();
        foreach (BindAddress address in config.Options.Listeners.Bind)
        {
            Listener? same = current.FirstOrDefault(l => !kept.Contains(l) && Same(l, address));
            if (same is not null)
            {
                kept.Add(same);
                next.Add(same);
            }
            else
            {
                next.Add(BindWithRetry(address, config, log));
            }
        }

        foreach (Listener old in current)
        {
            if (!kept.Contains(old))
            {
                log.ClosingListener(old.ToString());
                Close(old, unlink: true);
            }
        }

        return next;
    }

    public static void Close(Listener l, bool unlink)
    {
        l.Dispose();
        if (unlink && l.Address.Kind == BindKind.Unix && !l.Inherited && l.Address.Path is { } path)
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

    private static bool Same(Listener l, BindAddress a)
    {
        if (l.Address == a)
        {
            return true;
        }

        return a.Kind == BindKind.Tcp && l.Address.Kind == BindKind.Tcp && a.Port != 0
            && l.Socket.LocalEndPoint is IPEndPoint ep && ep.Port == a.Port && l.Address.Host == a.Host;
    }

    private static Listener BindWithRetry(BindAddress address, UnicornetConfig config, ILog log)
    {
        Exception? last = null;
        for (int attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                Listener l = Bind(address, config);
                FileDescriptors.MakeInheritable(l.Fd);
                log.ListeningAt(l.ToString(), ProcessInfo.Pid);
                return l;
            }
            catch (SocketException e)
            {
                last = e;
                log.BindFailed(address.ToString(), e.Message, retrying: attempt < 4);
                if (attempt < 4)
                {
                    Thread.Sleep(1000);
                }
            }
        }

        throw new ListenerException($"Can't connect to {address}: {last?.Message}");
    }

    /// <summary>Binds one address as a listener (also the metrics listener, which workers never inherit).</summary>
    internal static Listener Bind(BindAddress address, UnicornetConfig config)
    {
        int backlog = config.Options.Listeners.Backlog;
        switch (address.Kind)
        {
            case BindKind.FileDescriptor:
            {
                var s = new Socket(new SafeSocketHandle(address.Fd, ownsHandle: true));
                return new Listener(address, s, inherited: true);
            }

            case BindKind.Unix:
            {
                string path = address.Path!;
                RemoveStaleSocket(path);
                var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                int old = ProcessInfo.SetUmask(config.Options.Worker.Umask);
                try
                {
                    s.Bind(new UnixDomainSocketEndPoint(path));
                }
                catch
                {
                    s.Dispose();
                    throw;
                }
                finally
                {
                    ProcessInfo.SetUmask(old);
                }

                s.Listen(backlog);
                return new Listener(address, s, inherited: false);
            }

            default:
            {
                IPAddress ip = Resolve(address.Host);
                var s = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    // SO_REUSEADDR alone, as a raw option: .NET's ReuseAddress also sets SO_REUSEPORT on Linux, which
                    // let a second server bind the same port and silently take half of its connections.
                    s.SetRawSocketOption(SolSocket, SoReuseAddr, BitConverter.GetBytes(1));
                    if (config.Options.Listeners.ReusePort)
                    {
                        s.SetRawSocketOption(SolSocket, SoReusePort, BitConverter.GetBytes(1));
                    }

                    if (ip.AddressFamily == AddressFamily.InterNetworkV6)
                    {
                        s.DualMode = false;
                    }

                    s.NoDelay = true;
                    s.Bind(new IPEndPoint(ip, address.Port));
                    s.Listen(backlog);
                }
                catch
                {
                    s.Dispose();
                    throw;
                }

                return new Listener(address, s, inherited: false);
            }
        }
    }

    private static IPAddress Resolve(string host)
    {
        string h = host.Trim('[', ']');
        if (h.Length == 0)
        {
            return IPAddress.Any;
        }

        if (IPAddress.TryParse(h, out IPAddress? ip))
        {
            return ip;
        }

        IPAddress[] all = Dns.GetHostAddresses(h);
        return all.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? all.First();
    }

    private static void RemoveStaleSocket(string path)
    {
        if (!File.Exists(path))
        {
            return;
        }

        // A socket file nobody listens on is left over from a crash; one that answers is another server's.
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException)
        {
            File.Delete(path);
            return;
        }

        throw new SocketException((int)SocketError.AddressAlreadyInUse);
    }

    private static List<Listener> Inherit(UnicornetConfig config, string fds)
    {
        IReadOnlyList<BindAddress> binds = config.Options.Listeners.Bind;
        var result = new List<Listener>();
        int i = 0;
        foreach (string part in fds.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            int fd = int.Parse(part, CultureInfo.InvariantCulture);
            // Disposed below on the failed path; on success the Listener owns it (the analyzer cannot follow the catch).
#pragma warning disable CA2000
            var s = new Socket(new SafeSocketHandle(fd, ownsHandle: true));
#pragma warning restore CA2000
            BindAddress address;
            try
            {
                address = s.LocalEndPoint switch
                {
                    UnixDomainSocketEndPoint u => new BindAddress(BindKind.Unix, "", 0, u.ToString(), 0),
                    IPEndPoint ep => i < binds.Count && binds[i].Kind == BindKind.Tcp ? binds[i] : new BindAddress(BindKind.Tcp, ep.Address.ToString(), ep.Port, null, 0),
                    _ => new BindAddress(BindKind.FileDescriptor, "", 0, null, fd),
                };
                FileDescriptors.MakeInheritable(fd);
            }
            catch
            {
                // Not a socket we can use after all: close it rather than leak it into the workers.
                s.Dispose();
                throw;
            }

            result.Add(new Listener(address, s, inherited: true));
            i++;
        }

        return result;
    }

    private static List<int>? SystemdFds()
    {
        string? pid = Environment.GetEnvironmentVariable("LISTEN_PID");
        string? count = Environment.GetEnvironmentVariable("LISTEN_FDS");
        if (pid is null || count is null || !int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out int p) || p != ProcessInfo.Pid
            || !int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n <= 0)
        {
            return null;
        }

        Environment.SetEnvironmentVariable("LISTEN_PID", null);
        Environment.SetEnvironmentVariable("LISTEN_FDS", null);
        return Enumerable.Range(3, n).ToList();
    }
}

/// <summary>A listener could not be bound after every retry.</summary>
internal sealed class ListenerException : Exception
{
    public ListenerException(string message)
        : base(message)
    {
    }
}
