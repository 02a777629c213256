using System.Globalization;
using System.Net.Sockets;
using Unicornet.Control.Protocol;

namespace Unicornet.Control.Server;

/// <summary>
/// The master's control socket: a Unix stream socket serving length-prefixed JSON requests on
/// thread-pool tasks, dispatching each command to an <see cref="IControlHandler"/>.
/// </summary>
/// <remarks>
/// Never takes over a live instance's socket: an existing path is replaced only when nothing accepts
/// connections on it. The socket is close-on-exec, so worker processes never inherit it.
/// </remarks>
public sealed class ControlServer : IAsyncDisposable
{
    private const int Backlog = 16;
    private static readonly TimeSpan s_writeTimeout = TimeSpan.FromSeconds(5);

    private readonly ControlServerOptions _options;
    private readonly ILog _log;
    private readonly Socket _listener;
    private readonly CommandDispatcher _dispatcher;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _connectionsLock = new();
    private readonly HashSet<Task> _connections = new();
    private Task _acceptLoop = Task.CompletedTask;
    private int _stopped;

    private ControlServer(ControlServerOptions options, IControlHandler handler, ILog log, Socket listener)
    {
        _options = options;
        _log = log;
        _listener = listener;
        _dispatcher = new CommandDispatcher(handler, log, options.CommandTimeout);
    }

    /// <summary>The socket path being served.</summary>
    public string SocketPath => _options.SocketPath;

    /// <summary>Connections being served right now.</summary>
    public int ConnectionCount
    {
        get
        {
            lock (_connectionsLock)
            {
                return _connections.Count;
            }
        }
    }

    /// <summary>
    /// Binds the socket (creating its directory with mode 0700 when missing, replacing a stale socket
    /// file), applies the mode, updates the <c>unicornet.ctl</c> link when asked, and starts serving.
    /// </summary>
    /// <exception cref="ControlSocketInUseException">A live server answers on the path, or the path is not a socket.</exception>
    /// <exception cref="IOException">The directory or socket cannot be created.</exception>
    public static ControlServer Start(ControlServerOptions options, IControlHandler handler, ILog? log = null)
    {
        log ??= NullLog.Instance;
        string path = options.SocketPath;
        string directory = Path.GetDirectoryName(path) ?? throw new IOException($"control socket path '{path}' has no directory");
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("the control socket needs Unix file modes");
        }

        if (!Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        ClearStalePath(path, log);

        Socket listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            listener.Dispose();
            throw new ControlSocketInUseException(path, $"control socket {path} was taken by another process while starting");
        }
        catch (Exception e) when (e is SocketException or ArgumentException)
        {
            listener.Dispose();
            throw new IOException($"cannot bind control socket {path}: {e.Message}", e);
        }

        try
        {
            File.SetUnixFileMode(path, (UnixFileMode)(options.Mode & 0xFFF));
            listener.Listen(Backlog);
        }
        catch
        {
            listener.Dispose();
            TryDelete(path);
            throw;
        }

        ControlServer server = new(options, handler, log, listener);
        if (options.MaintainLink)
        {
            SweepDeadInstances(directory, path, log);
            server.PointLinkHere(directory);
        }

        server._acceptLoop = Task.Run(server.AcceptLoopAsync);
        ControlLog.Listening(log, path);
        return server;
    }

    /// <summary>
    /// Stops accepting, ends every connection, removes the socket file and moves the
    /// <c>unicornet.ctl</c> link to another live instance (or removes it). Safe to call twice.
    /// </summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        Task[] running;
        lock (_connectionsLock)
        {
            running = [.. _connections];
        }

        try
        {
            await Task.WhenAll(running).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            await _acceptLoop.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            ControlLog.ConnectionsOutlivedStop(_log);
        }

        TryDelete(_options.SocketPath);
        if (_options.MaintainLink)
        {
            RepointLinkAway(Path.GetDirectoryName(_options.SocketPath)!);
        }

        _stopping.Dispose();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    /// <summary>True when a server accepts connections at <paramref name="path"/>.</summary>
    public static bool IsLive(string path) => ControlSocketPaths.IsLive(path);

    private static void ClearStalePath(string path, ILog log)
    {
        FileInfo existing = new(path);
        if (existing.LinkTarget is not null)
        {
            throw new ControlSocketInUseException(path, $"control socket path {path} is a symbolic link; refusing to replace it");
        }

        if (!existing.Exists)
        {
            return;
        }

        if (IsLive(path))
        {
            throw new ControlSocketInUseException(path, $"control socket {path} belongs to a running instance; set control_socket to another path or stop that instance");
        }

        // A socket file always has size 0; anything with content is somebody's file, not our leftover.
        if (existing.Length != 0)
        {
            throw new ControlSocketInUseException(path, $"{path} exists and is not a socket; refusing to replace it");
        }

        ControlLog.RemovingStaleSocket(log, path);
        File.Delete(path);
    }

    private async Task AcceptLoopAsync()
    {
        CancellationToken stopping = _stopping.Token;
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                if (stopping.IsCancellationRequested)
                {
                    return;
                }

                ControlLog.AcceptFailed(_log, e.Message);
                await Task.Delay(100, CancellationToken.None).ConfigureAwait(false);
                continue;
            }

            lock (_connectionsLock)
            {
                if (_connections.Count >= _options.MaxConnections)
                {
                    ControlLog.TooManyClients(_log, _connections.Count);
                    client.Dispose();
                    continue;
                }

                Task connection = Task.Run(() => ServeAsync(client));
                _connections.Add(connection);
                _ = connection.ContinueWith(
                    done =>
                    {
                        lock (_connectionsLock)
                        {
                            _connections.Remove(done);
                        }
                    },
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
            }
        }
    }

    private async Task ServeAsync(Socket client)
    {
        CancellationToken stopping = _stopping.Token;
        using NetworkStream stream = new(client, ownsSocket: true);
        using CancellationTokenSource idle = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        try
        {
            while (true)
            {
                idle.CancelAfter(_options.IdleTimeout);
                byte[]? payload;
                try
                {
                    payload = await ControlFraming.ReadFrameAsync(stream, idle.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
                {
                    ControlLog.ClosingIdleClient(_log, _options.IdleTimeout.TotalSeconds);
                    return;
                }
                catch (ControlFrameException e)
                {
                    ControlLog.BadFrame(_log, e.Message);
                    if (e.Error == ControlFrameError.TooLarge)
                    {
                        // The oversized payload cannot be skipped safely; say why, then hang up.
                        await WriteReplyAsync(stream, ControlResponse.EncodeError(0, "Frame too large: " + e.Message)).ConfigureAwait(false);
                    }

                    return;
                }

                if (payload is null)
                {
                    return;
                }

                byte[] reply = await _dispatcher.HandleAsync(payload, stopping).ConfigureAwait(false);
                if (reply.Length > ControlFraming.MaxPayloadLength)
                {
                    reply = ControlResponse.EncodeError(0, "Command failed: reply exceeds the frame limit");
                }

                await WriteReplyAsync(stream, reply).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Server stopping or the client stopped reading its replies.
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            ControlLog.ConnectionEnded(_log, e.Message);
        }
        catch (Exception e)
        {
            ControlLog.UnexpectedError(_log, e);
        }
    }

    // Replies are not tied to the stopping token: the answer to `shutdown` is typically written
    // while the master is already stopping this server, and the client should still get it.
    private static async Task WriteReplyAsync(NetworkStream stream, byte[] reply)
    {
        using CancellationTokenSource writeTimeout = new(s_writeTimeout);
        await ControlFraming.WriteFrameAsync(stream, reply, writeTimeout.Token).ConfigureAwait(false);
    }

    // Crashed masters leave <pid>.ctl files behind; nobody answers on them, so they only mislead.
    private static void SweepDeadInstances(string directory, string ours, ILog log)
    {
        foreach (FileInfo candidate in ControlSocketPaths.InstanceSockets(directory))
        {
            if (candidate.FullName != ours && candidate.Length == 0 && !IsLive(candidate.FullName))
            {
                ControlLog.SweepingStaleSocket(log, candidate.FullName);
                TryDelete(candidate.FullName);
            }
        }
    }

    private void PointLinkHere(string directory)
    {
        string link = Path.Combine(directory, ControlSocketPaths.LinkName);
        string temporary = Path.Combine(directory, "." + ControlSocketPaths.LinkName + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "." + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            File.CreateSymbolicLink(temporary, Path.GetFileName(_options.SocketPath));

            // rename(2) replaces the old link atomically, so clients never see it missing.
            File.Move(temporary, link, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ControlLog.CannotUpdateLink(_log, link, e.Message);
            TryDelete(temporary);
        }
    }

    private void RepointLinkAway(string directory)
    {
        string link = Path.Combine(directory, ControlSocketPaths.LinkName);
        string ours = Path.GetFileName(_options.SocketPath);
        FileInfo linkInfo = new(link);
        if (linkInfo.LinkTarget is not string target || Path.GetFileName(target) != ours)
        {
            return;
        }

        FileInfo? newest = null;
        foreach (FileInfo candidate in ControlSocketPaths.InstanceSockets(directory))
        {
            if (candidate.Name != ours && (newest is null || candidate.LastWriteTimeUtc > newest.LastWriteTimeUtc) && IsLive(candidate.FullName))
            {
                newest = candidate;
            }
        }

        if (newest is null)
        {
            TryDelete(link);
            return;
        }

        string temporary = link + "." + Guid.NewGuid().ToString("N")[..8];
        try
        {
            File.CreateSymbolicLink(temporary, newest.Name);
            File.Move(temporary, link, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            TryDelete(link);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover file is detected as stale next time.
        }
    }
}
