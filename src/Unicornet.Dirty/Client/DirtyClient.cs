using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Unicornet.Dirty.Protocol;

namespace Unicornet.Dirty.Client;

/// <summary>
/// The <see cref="IDirtyClient"/> implementation: one Unix-socket connection to the dirty arbiter,
/// shared by every caller and multiplexed by request id. Thread-safe; connects lazily and reconnects
/// on the next call after the connection broke (calls in flight then fail with
/// <see cref="DirtyConnectionException"/>).
/// </summary>
public sealed class DirtyClient : IDirtyClient
{
    private const int ConnectAttempts = 10;
    private static readonly TimeSpan s_connectRetryDelay = TimeSpan.FromMilliseconds(200);
    private static readonly Lazy<DirtyClient> s_shared = new(() => FromEnvironment(), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly string _socketPath;
    private readonly TimeSpan _defaultTimeout;
    private readonly ConcurrentDictionary<ulong, PendingCall> _pending = new();
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private FrameConnection? _connection;
    private long _nextId;
    private bool _disposed;

    /// <summary>Creates a client for the dirty arbiter listening on <paramref name="socketPath"/>.</summary>
    /// <param name="socketPath">The dirty arbiter's socket.</param>
    /// <param name="defaultTimeout">How long a call waits by default; null waits until the arbiter answers (it enforces <c>dirty_timeout</c>).</param>
    public DirtyClient(string socketPath, TimeSpan? defaultTimeout = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(socketPath);
        _socketPath = socketPath;
        _defaultTimeout = defaultTimeout ?? Timeout.InfiniteTimeSpan;
        Stash = new StashClient(this);
    }

    /// <summary>
    /// One client per process, built from <c>UNICORNET_DIRTY_SOCKET</c> on first use. This is what
    /// app code in HTTP workers normally uses.
    /// </summary>
    /// <exception cref="DirtyConnectionException">The dirty pool is not enabled (the variable is not set).</exception>
    public static DirtyClient Shared => s_shared.Value;

    /// <summary>A new client for the socket in <c>UNICORNET_DIRTY_SOCKET</c>.</summary>
    /// <exception cref="DirtyConnectionException">The variable is not set (no dirty pool is configured).</exception>
    public static DirtyClient FromEnvironment(TimeSpan? defaultTimeout = null)
    {
        string? path = Environment.GetEnvironmentVariable(DirtyEnvironment.Socket);
        if (string.IsNullOrEmpty(path))
        {
            throw new DirtyConnectionException($"{DirtyEnvironment.Socket} is not set: no dirty arbiter runs (set dirty_workers and dirty_apps)");
        }

        return new DirtyClient(path, defaultTimeout);
    }

    /// <summary>The socket this client talks to.</summary>
    public string SocketPath => _socketPath;

    /// <inheritdoc />
    public IStash Stash { get; }

    /// <inheritdoc />
    public Task<T?> ExecuteAsync<T>(string app, string action, params object?[] args) =>
        ExecuteCoreAsync<T>(app, action, args, null, _defaultTimeout, CancellationToken.None);

    /// <inheritdoc />
    public Task<T?> ExecuteAsync<T>(string app, string action, CancellationToken cancellationToken, params object?[] args) =>
        ExecuteCoreAsync<T>(app, action, args, null, _defaultTimeout, cancellationToken);

    /// <inheritdoc />
    public Task<T?> ExecuteAsync<T>(string app, string action, DirtyCallOptions options, params object?[] args)
    {
        ArgumentNullException.ThrowIfNull(options);
        return ExecuteCoreAsync<T>(app, action, args, options.NamedArguments, options.Timeout ?? _defaultTimeout, options.CancellationToken);
    }

    /// <inheritdoc />
    public T? Execute<T>(string app, string action, params object?[] args)
    {
        // On the async worker class requests run on the runtime's socket poll threads. Blocking one of
        // them until a reply arrives can wait for a completion only that same thread would deliver,
        // which would hang the call until its deadline: refuse plainly instead.
        if (Thread.CurrentThread.Name == SocketPollThreadName)
        {
            throw new InvalidOperationException(
                "Execute blocks the thread that serves this worker's sockets (the async worker class): use ExecuteAsync, or run the app on the gthread or sync class.");
        }

        return ExecuteCoreAsync<T>(app, action, args, null, _defaultTimeout, CancellationToken.None).GetAwaiter().GetResult();
    }

    // The name .NET gives its epoll threads (System.Net.Sockets, SocketAsyncEngine).
    private const string SocketPollThreadName = ".NET Sockets";

    /// <inheritdoc />
    public IAsyncEnumerable<T?> StreamAsync<T>(string app, string action, params object?[] args) =>
        StreamCoreAsync<T>(app, action, args, null, _defaultTimeout, CancellationToken.None);

    /// <inheritdoc />
    public IAsyncEnumerable<T?> StreamAsync<T>(string app, string action, DirtyCallOptions options, params object?[] args)
    {
        ArgumentNullException.ThrowIfNull(options);
        return StreamCoreAsync<T>(app, action, args, options.NamedArguments, options.Timeout ?? _defaultTimeout, options.CancellationToken);
    }

    /// <summary>The dirty arbiter's view of its pool: pid, workers (pid, age, apps, state, in-flight calls, RSS) and apps.</summary>
    public async Task<IReadOnlyDictionary<string, object?>> StatusAsync(CancellationToken cancellationToken = default)
    {
        Frame reply = await CallAsync(new FrameBuilder(MessageType.Status, 0, 16), _defaultTimeout, cancellationToken).ConfigureAwait(false);
        return (IReadOnlyDictionary<string, object?>)(new TlvReader(reply.Payload).ReadValue() ?? new Dictionary<string, object?>());
    }

    /// <summary>Adds (or removes) dirty workers, like TTIN/TTOU; returns what the arbiter did and why.</summary>
    public async Task<IReadOnlyDictionary<string, object?>> ManageAsync(bool add, int count, CancellationToken cancellationToken = default)
    {
        var frame = new FrameBuilder(MessageType.Manage, 0, 32);
        frame.WriteInt64(add ? 1 : 2);
        frame.WriteInt64(count);
        Frame reply = await CallAsync(frame, _defaultTimeout, cancellationToken).ConfigureAwait(false);
        return (IReadOnlyDictionary<string, object?>)(new TlvReader(reply.Payload).ReadValue() ?? new Dictionary<string, object?>());
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _disposed = true;
        Interlocked.Exchange(ref _connection, null)?.Dispose();
        FailAll(new ObjectDisposedException(nameof(DirtyClient)));
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Sends a frame (its request id is assigned here) and waits for the RESPONSE; an ERROR becomes its typed exception.</summary>
    internal async Task<Frame> CallAsync(FrameBuilder template, TimeSpan timeout, CancellationToken cancellationToken)
    {
        FrameConnection connection;
        try
        {
            connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            template.Discard();
            throw;
        }

        ulong id = template.RequestId;
        var call = new PendingCall(stream: false);
        _pending[id] = call;
        connection.Send(template);
        Frame reply;
        try
        {
            reply = await call.Reply.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Abandon(id, connection);
            throw new DirtyTimeoutException($"no answer from the dirty arbiter within {timeout.TotalSeconds:0.###}s");
        }
        catch (OperationCanceledException)
        {
            Abandon(id, connection);
            throw;
        }

        if (reply.Type == MessageType.Error)
        {
            throw DirtyError.Parse(reply.Payload).ToException();
        }

        return reply;
    }

    internal ulong NextId() => (ulong)Interlocked.Increment(ref _nextId);

    private async Task<T?> ExecuteCoreAsync<T>(string app, string action, object?[]? args, IReadOnlyDictionary<string, object?>? named, TimeSpan timeout, CancellationToken cancellationToken)
    {
        FrameBuilder frame = BuildRequest(app, action, args, named);
        Frame reply = await CallAsync(frame, timeout, cancellationToken).ConfigureAwait(false);
        if (reply.Type != MessageType.Response)
        {
            throw new DirtyProtocolException($"expected a RESPONSE, got {reply.Type} (is '{action}' a streaming action? use StreamAsync)");
        }

        return TlvConverter.To<T>(new TlvReader(reply.Payload).ReadValue());
    }

    private async IAsyncEnumerable<T?> StreamCoreAsync<T>(string app, string action, object?[]? args, IReadOnlyDictionary<string, object?>? named, TimeSpan timeout, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        FrameBuilder frame = BuildRequest(app, action, args, named);
        FrameConnection connection;
        try
        {
            connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            frame.Discard();
            throw;
        }

        ulong id = frame.RequestId;
        var call = new PendingCall(stream: true);
        _pending[id] = call;
        connection.Send(frame);
        bool finished = false;
        try
        {
            while (true)
            {
                Frame item;
                try
                {
                    item = await call.Items!.Reader.ReadAsync(cancellationToken).AsTask().WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    throw new DirtyTimeoutException($"no stream item from the dirty arbiter within {timeout.TotalSeconds:0.###}s");
                }
                catch (ChannelClosedException e) when (e.InnerException is not null)
                {
                    throw e.InnerException;
                }

                switch (item.Type)
                {
                    case MessageType.Chunk:
                        yield return TlvConverter.To<T>(new TlvReader(item.Payload).ReadValue());
                        break;
                    case MessageType.End:
                        finished = true;
                        yield break;
                    case MessageType.Error:
                        finished = true;
                        throw DirtyError.Parse(item.Payload).ToException();
                    case MessageType.Response:
                        // A non-streaming action called as a stream: its value is the only item.
                        finished = true;
                        yield return TlvConverter.To<T>(new TlvReader(item.Payload).ReadValue());
                        yield break;
                    default:
                        finished = true;
                        throw new DirtyProtocolException($"unexpected {item.Type} in a stream");
                }
            }
        }
        finally
        {
            if (!finished)
            {
                // The consumer stopped early, timed out or was cancelled: tell the worker to stop producing.
                Abandon(id, connection);
            }
            else
            {
                _pending.TryRemove(id, out _);
            }
        }
    }

    private FrameBuilder BuildRequest(string app, string action, object?[]? args, IReadOnlyDictionary<string, object?>? named)
    {
        ArgumentException.ThrowIfNullOrEmpty(app);
        ArgumentException.ThrowIfNullOrEmpty(action);
        var frame = new FrameBuilder(MessageType.Request, NextId());
        try
        {
            frame.WriteString(app);
            frame.WriteString(action);
            args ??= [];
            frame.WriteListHeader(args.Length);
            foreach (object? a in args)
            {
                frame.WriteValue(a);
            }

            if (named is null)
            {
                frame.WriteNull();
            }
            else
            {
                frame.WriteMapHeader(named.Count);
                foreach (KeyValuePair<string, object?> kv in named)
                {
                    frame.WriteString(kv.Key);
                    frame.WriteValue(kv.Value);
                }
            }
        }
        catch
        {
            frame.Discard();
            throw;
        }

        return frame;
    }

    private void Abandon(ulong id, FrameConnection connection)
    {
        if (_pending.TryRemove(id, out _))
        {
            connection.Send(MessageType.Cancel, id, ReadOnlySpan<byte>.Empty);
        }
    }

    private async ValueTask<FrameConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        FrameConnection? current = Volatile.Read(ref _connection);
        if (current is { IsClosed: false })
        {
            return current;
        }

        await _connectLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            current = _connection;
            if (current is { IsClosed: false })
            {
                return current;
            }

            Socket socket;
            int attempt = 0;
            while (true)
            {
                socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(_socketPath), cancellationToken).ConfigureAwait(false);
                    break;
                }
                catch (SocketException e)
                {
                    socket.Dispose();

                    // The dirty arbiter may be (re)starting: its socket appears within a moment.
                    if (++attempt >= ConnectAttempts || e.SocketErrorCode is not (SocketError.AddressNotAvailable or SocketError.ConnectionRefused or SocketError.AddressFamilyNotSupported) && File.Exists(_socketPath))
                    {
                        throw new DirtyConnectionException($"cannot connect to the dirty arbiter at {_socketPath}: {e.Message}", e);
                    }

                    await Task.Delay(s_connectRetryDelay, cancellationToken).ConfigureAwait(false);
                }
            }

            var connection = new FrameConnection(socket);
            _connection = connection;
            _ = ReadLoopAsync(connection, connection.ReadAsync(CancellationToken.None));
            return connection;
        }
        finally
        {
            _connectLock.Release();
        }
    }

    /// <summary>
    /// Reads replies until the connection ends. When the next read has to wait for the socket, the reply
    /// in hand is completed inline, so its caller resumes on this thread-pool thread rather than through
    /// another queue hop. The pending read already belongs to a fresh loop that resumes wherever the socket
    /// completes it, so a caller that blocks on this thread never holds up other replies.
    /// </summary>
    private async Task ReadLoopAsync(FrameConnection connection, ValueTask<Frame?> read)
    {
        Exception? failure = null;
        bool handedOff = false;
        try
        {
            while (await read.ConfigureAwait(false) is { } frame)
            {
#pragma warning disable CA2012 // checked for completion, then awaited exactly once: below or by the loop it is handed to
                read = connection.ReadAsync(CancellationToken.None);
#pragma warning restore CA2012
                if (!read.IsCompleted)
                {
                    _ = ReadLoopAsync(connection, read);
                    handedOff = true;
                    Deliver(frame, inline: true);
                    return;
                }

                Deliver(frame, inline: false);
            }

            failure = new DirtyConnectionException("the dirty arbiter closed the connection");
        }
        catch (Exception e) when (e is DirtyProtocolException or SocketException or ObjectDisposedException or IOException)
        {
            failure = new DirtyConnectionException("lost the connection to the dirty arbiter: " + e.Message, e);
        }
        finally
        {
            // Whatever ended the last loop of a connection (even an exception not caught above), its calls fail
            // now and the next call connects again, rather than every call waiting out its deadline on a dead reader.
            if (!handedOff)
            {
                connection.Dispose();
                Interlocked.CompareExchange(ref _connection, null, connection);
                FailAll(failure ?? new DirtyConnectionException("lost the connection to the dirty arbiter"));
            }
        }
    }

    private void Deliver(Frame frame, bool inline)
    {
        if (!_pending.TryGetValue(frame.RequestId, out PendingCall? call))
        {
            return; // abandoned (timed out or cancelled) call: drop the late frame.
        }

        if (call.Items is not null)
        {
            call.Items.Writer.TryWrite(frame);
            if (frame.Type != MessageType.Chunk)
            {
                _pending.TryRemove(frame.RequestId, out _);
            }
        }
        else if (_pending.TryRemove(frame.RequestId, out _))
        {
            if (inline)
            {
                call.Reply.TrySetResult(frame);
            }
            else
            {
                ThreadPool.UnsafeQueueUserWorkItem(static s => s.Reply.TrySetResult(s.Frame), (call.Reply, Frame: frame), preferLocal: false);
            }
        }
    }

    private void FailAll(Exception error)
    {
        foreach (ulong id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out PendingCall? call))
            {
                // Never inline: this runs on the reader or in Dispose, and each caller may block.
                ThreadPool.UnsafeQueueUserWorkItem(static s => s.Reply.TrySetException(s.Error), (call.Reply, Error: error), preferLocal: false);
                call.Items?.Writer.TryComplete(error);
            }
        }
    }

    private sealed class PendingCall
    {
        public PendingCall(bool stream)
        {
            if (stream)
            {
                Items = Channel.CreateUnbounded<Frame>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
            }
        }

        /// <summary>Completed inline only by a reader that has another read pending; otherwise from a queued work item.</summary>
        public TaskCompletionSource<Frame> Reply { get; } = new();

        public Channel<Frame>? Items { get; }
    }
}
