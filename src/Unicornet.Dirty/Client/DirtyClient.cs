using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Unicornet.Dirty.Protocol;
using Unicornet.Dirty.Routing;

namespace Unicornet.Dirty.Client;

/// <summary>
/// The <see cref="IDirtyClient"/> implementation: one Unix-socket connection to the dirty arbiter, plus one
/// to each dirty worker it calls, all shared by every caller and multiplexed by request id. Calls go to the
/// workers directly: the arbiter tells the client which ready workers hold an app (and says when that
/// changes), and the client sends each call to the one of them with the fewest of its calls in flight. When
/// a worker cannot be reached the call is relayed through the arbiter instead. Thread-safe; connects lazily
/// and reconnects on the next call after a connection broke (calls in flight on it then fail with
/// <see cref="DirtyConnectionException"/>, or <see cref="DirtyWorkerLostException"/> for a worker).
/// </summary>
public sealed class DirtyClient : IDirtyClient
{
    private const int ConnectAttempts = 10;
    private static readonly TimeSpan s_connectRetryDelay = TimeSpan.FromMilliseconds(200);
    private static readonly Lazy<DirtyClient> s_shared = new(() => FromEnvironment(), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly string _socketPath;
    private readonly TimeSpan _defaultTimeout;
    private readonly PendingCalls _pending = new();
    private readonly RouteCache _routes = new();
    private int _nextPick;
    private readonly SharedConnection _arbiter;
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
        _arbiter = new SharedConnection(OpenArbiterAsync);
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

    /// <summary>
    /// Whether calls go straight to the dirty workers (the default) or are all relayed by the arbiter, one
    /// more socket round trip each. <c>UNICORNET_DIRTY_DIRECT=0</c> turns direct calls off, for comparison.
    /// </summary>
    internal bool DirectCalls { get; set; } = Environment.GetEnvironmentVariable("UNICORNET_DIRTY_DIRECT") != "0";

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

    /// <summary>
    /// Socket continuations run on the poll threads (the async worker class sets this), where code must not block:
    /// a reply can be handed to its caller before the next read is started.
    /// </summary>
    private static readonly bool s_callersNeverBlock = Unicornet.Platform.ChildRuntime.InlineSocketCompletions;

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
        _arbiter.Close();
        _routes.CloseAll();
        _pending.FailCalls(null, new ObjectDisposedException(nameof(DirtyClient)));
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

        return await CallOnAsync(connection, null, template, timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends a frame on a chosen connection and waits for its RESPONSE; an ERROR becomes its typed exception.</summary>
    private async Task<Frame> CallOnAsync(FrameConnection connection, WorkerEndpoint? endpoint, FrameBuilder template, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ulong id = template.RequestId;
        PendingCall call = _pending.Add(id, stream: false, connection, endpoint);
        connection.Send(template);
        Frame reply;
        try
        {
            reply = await call.Reply.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _pending.Abandon(id, connection);
            throw new DirtyTimeoutException($"no answer from the dirty arbiter within {timeout.TotalSeconds:0.###}s");
        }
        catch (OperationCanceledException)
        {
            _pending.Abandon(id, connection);
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
        if (!DirtyCallMeter.Enabled)
        {
            return await ExecuteUnmeteredAsync<T>(app, action, args, named, timeout, cancellationToken).ConfigureAwait(false);
        }

        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        string outcome = "error";
        try
        {
            T? result = await ExecuteUnmeteredAsync<T>(app, action, args, named, timeout, cancellationToken).ConfigureAwait(false);
            outcome = "ok";
            return result;
        }
        catch (DirtyTimeoutException)
        {
            outcome = "timeout";
            throw;
        }
        finally
        {
            DirtyCallMeter.Record(app, action, outcome, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        }
    }

    private async Task<T?> ExecuteUnmeteredAsync<T>(string app, string action, object?[]? args, IReadOnlyDictionary<string, object?>? named, TimeSpan timeout, CancellationToken cancellationToken)
    {
        FrameBuilder frame = RequestFrame.Build(NextId(), app, action, args, named);
        (FrameConnection connection, WorkerEndpoint? endpoint) target = await TargetAsync(app, frame, timeout, cancellationToken).ConfigureAwait(false);
        Frame reply = await CallOnAsync(target.connection, target.endpoint, frame, timeout, cancellationToken).ConfigureAwait(false);
        if (reply.Type != MessageType.Response)
        {
            throw new DirtyProtocolException($"expected a RESPONSE, got {reply.Type} (is '{action}' a streaming action? use StreamAsync)");
        }

        return TlvConverter.To<T>(new TlvReader(reply.Payload).ReadValue());
    }

    private async IAsyncEnumerable<T?> StreamCoreAsync<T>(string app, string action, object?[]? args, IReadOnlyDictionary<string, object?>? named, TimeSpan timeout, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        FrameBuilder frame = RequestFrame.Build(NextId(), app, action, args, named);
        (FrameConnection connection, WorkerEndpoint? endpoint) = await TargetAsync(app, frame, timeout, cancellationToken).ConfigureAwait(false);

        ulong id = frame.RequestId;
        PendingCall call = _pending.Add(id, stream: true, connection, endpoint);
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

                if (item.Type == MessageType.End)
                {
                    finished = true;
                    yield break;
                }

                // A RESPONSE is a non-streaming action called as a stream: its value is the only item.
                finished = item.Type != MessageType.Chunk;
                yield return StreamItem<T>(item);
                if (finished)
                {
                    yield break;
                }
            }
        }
        finally
        {
            if (!finished)
            {
                // The consumer stopped early, timed out or was cancelled: tell the worker to stop producing.
                _pending.Abandon(id, connection);
            }
            else
            {
                _pending.TryTake(id, out _);
            }
        }
    }

    /// <summary>The value a CHUNK (or a lone RESPONSE) carries; an ERROR becomes its typed exception.</summary>
    private static T? StreamItem<T>(Frame item) => item.Type switch
    {
        MessageType.Chunk or MessageType.Response => TlvConverter.To<T>(new TlvReader(item.Payload).ReadValue()),
        MessageType.Error => throw DirtyError.Parse(item.Payload).ToException(),
        _ => throw new DirtyProtocolException($"unexpected {item.Type} in a stream"),
    };

    /// <summary>
    /// Where a call for <paramref name="app"/> goes: the least busy worker holding it, else the arbiter's relay.
    /// When there is nowhere to send it, <paramref name="request"/> goes back to the pool before the exception leaves.
    /// </summary>
    private async ValueTask<(FrameConnection Connection, WorkerEndpoint? Endpoint)> TargetAsync(string app, FrameBuilder request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            if (DirectCalls && await RoutesAsync(app, timeout, cancellationToken).ConfigureAwait(false) is { Length: > 0 } routes)
            {
                WorkerEndpoint endpoint = LeastBusy.Pick(routes, ref _nextPick);
                if (await endpoint.ConnectAsync(cancellationToken).ConfigureAwait(false) is { } direct)
                {
                    return (direct, endpoint);
                }

                // Gone since the arbiter named it (retired or died): ask again next time; this call takes the relay.
                _routes.Invalidate();
            }

            return (await ConnectAsync(cancellationToken).ConfigureAwait(false), null);
        }
        catch
        {
            request.Discard();
            throw;
        }
    }

    /// <summary>
    /// The ready workers holding <paramref name="app"/>, cached until the arbiter says the routes changed. An
    /// unknown app or one no ready worker holds fails typed, as a relayed call would.
    /// </summary>
    private async ValueTask<WorkerEndpoint[]> RoutesAsync(string app, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (_routes.TryGet(app, out WorkerEndpoint[]? cached))
        {
            return cached;
        }

        long version = _routes.Version;
        var query = new FrameBuilder(MessageType.RouteQuery, NextId(), 64);
        query.WriteString(app);
        Frame reply = await CallAsync(query, timeout, cancellationToken).ConfigureAwait(false);
        WorkerEndpoint[] endpoints = _routes.Parse(reply, this);
        _routes.Store(app, version, endpoints);
        return endpoints;
    }

    private async ValueTask<FrameConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return (await _arbiter.GetAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private async ValueTask<FrameConnection?> OpenArbiterAsync(CancellationToken cancellationToken)
    {
        int attempt = 0;
        while (true)
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(_socketPath), cancellationToken).ConfigureAwait(false);
                return StartReading(socket, null);
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
    }

    /// <summary>A connected socket to the arbiter (<paramref name="endpoint"/> null) or a worker, with its reply reader started.</summary>
    internal FrameConnection StartReading(Socket socket, WorkerEndpoint? endpoint)
    {
        var connection = new FrameConnection(socket);
        _ = ReadLoopAsync(connection, endpoint, connection.ReadAsync(CancellationToken.None));
        return connection;
    }

    /// <summary>
    /// Reads replies until the connection ends. When the next read has to wait for the socket, the reply
    /// in hand is completed inline, so its caller resumes on this thread-pool thread rather than through
    /// another queue hop. The pending read already belongs to a fresh loop that resumes wherever the socket
    /// completes it, so a caller that blocks on this thread never holds up other replies.
    /// </summary>
    private async Task ReadLoopAsync(FrameConnection connection, WorkerEndpoint? endpoint, ValueTask<Frame?> read)
    {
        Exception? failure = null;
        bool handedOff = false;
        try
        {
            while (await read.ConfigureAwait(false) is { } frame)
            {
                if (s_callersNeverBlock)
                {
                    // On a poll thread (the async worker class) the caller's continuation runs up to its next await
                    // and returns: answer it first, read on after, and keep the next receive off its critical path.
                    Deliver(frame, inline: true);
#pragma warning disable CA2012 // awaited exactly once, at the top of the loop
                    read = connection.ReadAsync(CancellationToken.None);
#pragma warning restore CA2012
                    continue;
                }

#pragma warning disable CA2012 // checked for completion, then awaited exactly once: below or by the loop it is handed to
                read = connection.ReadAsync(CancellationToken.None);
#pragma warning restore CA2012
                if (!read.IsCompleted)
                {
                    _ = ReadLoopAsync(connection, endpoint, read);
                    handedOff = true;
                    Deliver(frame, inline: true);
                    return;
                }

                Deliver(frame, inline: false);
            }

            failure = Closed(endpoint);
        }
        catch (Exception e) when (e is DirtyProtocolException or SocketException or ObjectDisposedException or IOException)
        {
            failure = Lost(endpoint, e);
        }
        finally
        {
            // Whatever ended the last loop of a connection (even an exception not caught above), its calls fail
            // now and the next call connects again, rather than every call waiting out its deadline on a dead reader.
            if (!handedOff)
            {
                ConnectionEnded(connection, endpoint, failure);
            }
        }
    }

    private static Exception Closed(WorkerEndpoint? endpoint) => endpoint is null
        ? new DirtyConnectionException("the dirty arbiter closed the connection")
        : new DirtyWorkerLostException($"dirty worker {endpoint.Pid} closed the connection before answering");

    private static Exception Lost(WorkerEndpoint? endpoint, Exception e) => endpoint is null
        ? new DirtyConnectionException("lost the connection to the dirty arbiter: " + e.Message, e)
        : new DirtyWorkerLostException($"lost the connection to dirty worker {endpoint.Pid}: {e.Message}");

    private void ConnectionEnded(FrameConnection connection, WorkerEndpoint? endpoint, Exception? failure)
    {
        connection.Dispose();
        if (endpoint is null)
        {
            _arbiter.Forget(connection);

            // A restarted arbiter has new workers; the old ones are on their way out.
            _routes.Invalidate();
            _pending.FailCalls(connection, failure ?? new DirtyConnectionException("lost the connection to the dirty arbiter"));
        }
        else
        {
            endpoint.Forget(connection);
            _routes.Forget(endpoint);
            _routes.Invalidate();
            _pending.FailCalls(connection, failure ?? new DirtyWorkerLostException($"lost the connection to dirty worker {endpoint.Pid}"));
        }
    }

    private void Deliver(Frame frame, bool inline)
    {
        if (frame.Type == MessageType.RoutesChanged)
        {
            _routes.Invalidate();
            return;
        }

        _pending.Deliver(frame, inline);
    }
}
