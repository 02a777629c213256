using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using System.Reflection;
using Unicornet.Config;
using Unicornet.Config.Hooks;
using Unicornet.Dirty.Apps;
using Unicornet.Dirty.Client;
using Unicornet.Dirty.Protocol;
using Unicornet.Platform;

namespace Unicornet.Dirty.Worker;

/// <summary>
/// A dirty worker process: runs <c>dirty_post_fork</c> first thing, connects to the dirty arbiter,
/// loads and initialises its apps (heartbeating meanwhile), runs <c>dirty_worker_init</c>, then serves
/// up to <c>dirty_threads</c> calls at once over its single multiplexed connection.
/// </summary>
/// <remarks>
/// Calls arrive on two kinds of connection: relayed by the arbiter over the worker's own connection to it,
/// or straight from clients on the worker's call socket (<see cref="UnixSockets.WorkerCallSocket"/>), which
/// saves the relay's second round trip. Every connection has one reading thread at a time, leader/follower
/// style: when the reader gets a call and a slot is free it hands reading to an idle thread and runs the call
/// itself, so a call starts on the thread the kernel woke for it. A call that finds every slot busy waits in a
/// queue, and whoever finishes a call runs the next one straight away. Async actions continue on the thread
/// pool once they yield, keeping their slot. The arbiter enforces <c>dirty_timeout</c> on the calls it relays;
/// the worker enforces it on the calls clients send it directly.
/// </remarks>
internal sealed class DirtyWorkerHost
{
    private readonly UnicornetConfig _config;
    private readonly ILog _log;
    private readonly int _age;
    private readonly IReadOnlyList<DirtyAppSpec> _assigned;
    private readonly AppDirectory _directory;
    private readonly Dictionary<string, LoadedDirtyApp> _apps = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(FrameConnection Origin, ulong Id), Call> _inFlight = new();
    private readonly ConcurrentDictionary<FrameConnection, byte> _clients = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly object _dispatch = new();
    private readonly Queue<Call> _waiting = new();
    private readonly Queue<FrameConnection> _unread = new();
    private readonly TaskCompletionSource<bool> _readerDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly long _timeoutTicks;
    private int _freeSlots;
    private int _idleThreads;
    private bool _readingEnded;
    private readonly int _arbiterPid;
    private FrameConnection? _connection;
    private Socket? _callListener;
    private string? _callSocketPath;
    private DirtyClient? _client;
    private bool _quick;

    public DirtyWorkerHost(UnicornetConfig config, ILog log, int age, IReadOnlyList<DirtyAppSpec> assigned)
    {
        _config = config;
        _log = log;
        _age = age;
        _assigned = assigned;
        _directory = AppDirectory.FromConfig(config);
        _freeSlots = Math.Max(1, config.Options.Dirty.Threads);
        _arbiterPid = ProcessInfo.ParentPid;
        int timeout = config.Options.Dirty.Timeout;
        _timeoutTicks = timeout > 0 ? timeout * System.Diagnostics.Stopwatch.Frequency : long.MaxValue;
    }

    /// <summary>One call being served: where its answer goes, its cancellation and, for a direct call, its deadline.</summary>
    private sealed class Call
    {
        private readonly long _timeoutTicks;
        private int _finished;
        private long _deadline;

        /// <param name="timeoutTicks">dirty_timeout for a direct call; long.MaxValue when the arbiter enforces it (relayed calls) or there is none.</param>
        public Call(FrameConnection origin, Frame frame, CancellationTokenSource cancel, long timeoutTicks)
        {
            Origin = origin;
            Frame = frame;
            Cancel = cancel;
            _timeoutTicks = timeoutTicks;
            _deadline = long.MaxValue;
            Extend();
        }

        public FrameConnection Origin { get; }

        public Frame Frame { get; }

        public CancellationTokenSource Cancel { get; }

        public long Deadline => Volatile.Read(ref _deadline);

        public bool IsFinished => Volatile.Read(ref _finished) != 0;

        /// <summary>Starts the deadline again (at dispatch, and for each stream item).</summary>
        public void Extend()
        {
            if (_timeoutTicks != long.MaxValue)
            {
                Volatile.Write(ref _deadline, System.Diagnostics.Stopwatch.GetTimestamp() + _timeoutTicks);
            }
        }

        /// <summary>Claims the call's one final answer (RESPONSE, END or ERROR): false if it timed out meanwhile.</summary>
        public bool TryFinish() => Interlocked.Exchange(ref _finished, 1) == 0;
    }

    public async Task<int> RunAsync()
    {
        int pid = ProcessInfo.Pid;
        var view = new DirtyWorkerView(pid, _arbiterPid, _age, _assigned.Select(a => a.Id).ToArray(), _config, _log);
        var arbiterView = new Arbiter.DirtyArbiterView(_arbiterPid, _config, _log, () => []);
        try
        {
            // First thing in the child (gunicorn runs this hook in the parent).
            _config.Hooks.Invoke(HookNames.DirtyPostFork, arbiterView, view);
        }
        catch (HookFailedException)
        {
            return 3;
        }

        ProcessInfo.SetTitle("dirty-worker");
        int threads = _config.Options.Dirty.Threads;
        ThreadPool.GetMinThreads(out int minWorkers, out int minIo);
        ThreadPool.SetMinThreads(Math.Max(minWorkers, threads + 4), minIo);

        using var signals = new SignalQueue(Signals.SIGTERM, Signals.SIGINT, Signals.SIGQUIT, Signals.SIGABRT, Signals.SIGUSR1, Signals.SIGHUP);
        _ = HandleSignalsAsync(signals);

        string workerSocket = Environment.GetEnvironmentVariable(DirtyEnvironment.WorkerSocket)
            ?? throw new InvalidOperationException($"{DirtyEnvironment.WorkerSocket} is not set");
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(workerSocket)).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            _log.Error("Dirty worker {Pid} cannot reach the dirty arbiter at {Socket}: {Error}", pid, workerSocket, e.Message);
            socket.Dispose();
            return 3;
        }

        _connection = new FrameConnection(socket);
        var hello = new FrameBuilder(MessageType.Hello, 0);
        hello.WriteInt64(pid);
        hello.WriteInt64(_age);
        _connection.Send(hello);
        Task heartbeat = HeartbeatLoopAsync();
        OfferForReading(_connection);
        Task<bool> reader = _readerDone.Task;

        if (Environment.GetEnvironmentVariable(DirtyEnvironment.Socket) is { Length: > 0 } clientSocket)
        {
            _client = new DirtyClient(clientSocket, null);
        }

        try
        {
            foreach (DirtyAppSpec spec in _assigned)
            {
                LoadedDirtyApp app = LoadedDirtyApp.Load(spec);
                if (_client is not null)
                {
                    app.Instance.Stash = _client.Stash;
                }

                app.Instance.Log = _log;
                await app.Instance.InitAsync(_stopping.Token).ConfigureAwait(false);
                _apps[spec.Id] = app;
                _log.Info("Dirty worker {Pid} loaded {App}", pid, spec.Id);
            }

            _config.Hooks.Invoke(HookNames.DirtyWorkerInit, view);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            if (!_stopping.IsCancellationRequested)
            {
                Exception shown = e is TargetInvocationException { InnerException: { } inner } ? inner : e;
                if (shown is not HookFailedException)
                {
                    _log.Exception(shown, "Dirty worker {Pid} failed to load its apps", pid);
                }
            }

            _connection.Dispose();
            return _stopping.IsCancellationRequested ? 0 : 3;
        }

        try
        {
            // Listening before READY: the arbiter hands out this socket only to clients once we are ready.
            _callSocketPath = UnixSockets.WorkerCallSocket(Path.GetDirectoryName(workerSocket)!, pid);
            _callListener = UnixSockets.Listen(_callSocketPath);
            _ = AcceptClientsAsync(_callListener);
            _ = DeadlineLoopAsync();
        }
        catch (SocketException e)
        {
            // Clients then reach this worker through the arbiter only: slower, but every call still works.
            _log.Warning("Dirty worker {Pid} cannot listen for direct calls: {Error}", pid, e.Message);
            _callSocketPath = null;
        }

        var ready = new FrameBuilder(MessageType.Ready, 0);
        ready.WriteListHeader(_apps.Count);
        foreach (string id in _apps.Keys)
        {
            ready.WriteString(id);
        }

        _connection.Send(ready);
        _log.Info("Dirty worker {Pid} ready (age {Age}, {Threads} threads)", pid, _age, threads);

        await Task.WhenAny(reader, Task.Delay(Timeout.Infinite, _stopping.Token).ContinueWith(_ => { }, TaskScheduler.Default)).ConfigureAwait(false);
        bool arbiterGone = reader.IsCompleted;
        await DrainAsync(arbiterGone).ConfigureAwait(false);
        foreach (LoadedDirtyApp app in _apps.Values)
        {
            try
            {
                await app.Instance.CloseAsync().WaitAsync(TimeSpan.FromSeconds(Math.Max(1, _config.Options.Dirty.GracefulTimeout))).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _log.Exception(e, "Dirty app {App} failed to close", app.Spec.Id);
            }
        }

        _connection.Dispose();
        foreach (FrameConnection client in _clients.Keys)
        {
            client.Dispose();
        }

        _client?.Dispose();
        await heartbeat.ConfigureAwait(false);
        _log.Info("Dirty worker {Pid} exiting", pid);
        return 0;
    }

    private async Task DrainAsync(bool arbiterGone)
    {
        CloseCallSocket();
        if (_quick || arbiterGone)
        {
            _abort.Cancel();
            return;
        }

        // Graceful: the arbiter stopped routing to us and told clients so before it sent TERM. Finish what is
        // running, and stay until no call has arrived for a moment: a client may have picked this worker just
        // before it heard, and its call is still served rather than lost.
        var deadline = DateTime.UtcNow.AddSeconds(_config.Options.Dirty.GracefulTimeout);
        var quiet = System.Diagnostics.Stopwatch.StartNew();
        while (DateTime.UtcNow < deadline)
        {
            if (!_inFlight.IsEmpty)
            {
                quiet.Restart();
            }
            else if (quiet.ElapsedMilliseconds >= QuietBeforeExitMs)
            {
                break;
            }

            await Task.Delay(20).ConfigureAwait(false);
        }

        _abort.Cancel();
    }

    private const int QuietBeforeExitMs = 100;

    private void CloseCallSocket()
    {
        Socket? listener = Interlocked.Exchange(ref _callListener, null);
        if (listener is not null)
        {
            listener.Dispose();
            UnixSockets.TryDelete(_callSocketPath!);
        }
    }

    private async Task AcceptClientsAsync(Socket listener)
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }

            var connection = new FrameConnection(socket);
            _clients[connection] = 0;
            OfferForReading(connection);
        }
    }

    /// <summary>Queues a connection for a reader, waking an idle thread or starting one.</summary>
    private void OfferForReading(FrameConnection connection)
    {
        bool wakeIdle;
        lock (_dispatch)
        {
            _unread.Enqueue(connection);
            wakeIdle = _idleThreads > 0;
            if (wakeIdle)
            {
                Monitor.Pulse(_dispatch);
            }
        }

        if (!wakeIdle)
        {
            StartThread();
        }
    }

    /// <summary>Times out direct calls (the arbiter does it for the calls it relays), as the arbiter would.</summary>
    private async Task DeadlineLoopAsync()
    {
        if (_timeoutTicks == long.MaxValue)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        try
        {
            while (await timer.WaitForNextTickAsync(_abort.Token).ConfigureAwait(false))
            {
                long now = System.Diagnostics.Stopwatch.GetTimestamp();
                foreach (Call call in _inFlight.Values)
                {
                    if (call.Deadline < now && call.TryFinish())
                    {
                        TryCancel(call);
                        call.Origin.Send(DirtyError.Frame(call.Frame.RequestId, DirtyError.CallTimedOut(_timeoutTicks)));
                        _log.Warning("Dirty call timed out on dirty worker {Pid}", ProcessInfo.Pid);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task HandleSignalsAsync(SignalQueue signals)
    {
        await foreach (int sig in signals.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            switch (sig)
            {
                case Signals.SIGUSR1:
                    _log.Reopen();
                    break;
                case Signals.SIGHUP:
                    break;
                case Signals.SIGINT or Signals.SIGQUIT or Signals.SIGABRT:
                    _quick = true;
                    _stopping.Cancel();
                    break;
                default:
                    _stopping.Cancel();
                    break;
            }
        }
    }

    /// <summary>
    /// Heartbeats come from a dedicated thread: blocking actions may occupy every thread-pool thread,
    /// and a busy worker must not be mistaken for a hung one (calls have their own deadline).
    /// </summary>
    private Task HeartbeatLoopAsync()
    {
        int timeout = _config.Options.Dirty.Timeout;
        TimeSpan interval = timeout > 0 ? TimeSpan.FromMilliseconds(Math.Clamp(timeout * 1000 / 4, 100, 5000)) : TimeSpan.FromSeconds(5);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                while (!_abort.Token.WaitHandle.WaitOne(interval))
                {
                    if (ProcessInfo.ParentPid != _arbiterPid)
                    {
                        _log.Warning("Dirty worker {Pid}: the dirty arbiter is gone, exiting", ProcessInfo.Pid);
                        _quick = true;
                        _stopping.Cancel();
                        return;
                    }

                    var beat = new FrameBuilder(MessageType.Heartbeat, 0, 16);
                    beat.WriteInt64(_inFlight.Count);
                    _connection!.Send(beat);
                }
            }
            finally
            {
                done.TrySetResult();
            }
        })
        {
            IsBackground = true,
            Name = "dirty-heartbeat",
        };
        thread.Start();
        return done.Task;
    }

    private void StartThread()
    {
        new Thread(ServeThread) { IsBackground = true, Name = "dirty-thread" }.Start();
    }

    private void ServeThread()
    {
        while (TakeReader() is { } source)
        {
            if (ReadUntilCall(source) is { } call)
            {
                _ = ServeChainAsync(call);
            }
        }
    }

    /// <summary>Waits for a connection that has no reader (each has one reader at a time); null once reading ended.</summary>
    private FrameConnection? TakeReader()
    {
        lock (_dispatch)
        {
            while (_unread.Count == 0 && !_readingEnded)
            {
                _idleThreads++;
                Monitor.Wait(_dispatch);
                _idleThreads--;
            }

            return _readingEnded ? null : _unread.Dequeue();
        }
    }

    /// <summary>
    /// Reads <paramref name="source"/> until a call this thread should run now (it then gave up reading), or
    /// null when the connection ended. The end of the arbiter connection ends the worker; a client's, only
    /// that client's calls.
    /// </summary>
    private Call? ReadUntilCall(FrameConnection source)
    {
        bool arbiter = source == _connection;
        bool clean = true;
        try
        {
            while (source.Read() is { } frame)
            {
                switch (frame.Type)
                {
                    case MessageType.Request:
                        var call = new Call(
                            source,
                            frame,
                            CancellationTokenSource.CreateLinkedTokenSource(_abort.Token),
                            arbiter ? long.MaxValue : _timeoutTicks);
                        _inFlight[(source, frame.RequestId)] = call;
                        lock (_dispatch)
                        {
                            if (_freeSlots == 0)
                            {
                                _waiting.Enqueue(call);
                                continue;
                            }

                            _freeSlots--;
                        }

                        OfferForReading(source);
                        return call;
                    case MessageType.Cancel:
                        if (_inFlight.TryGetValue((source, frame.RequestId), out Call? cancelled))
                        {
                            TryCancel(cancelled);
                        }

                        break;
                    default:
                        if (!arbiter)
                        {
                            throw new DirtyProtocolException($"a client may only send REQUEST and CANCEL to a dirty worker, not {frame.Type}");
                        }

                        _log.Warning("Dirty worker ignoring a {Type} frame", frame.Type);
                        break;
                }
            }
        }
        catch (DirtyProtocolException e)
        {
            _log.Error(arbiter ? "Dirty worker: protocol error from the dirty arbiter: {Error}" : "Dirty worker: closing a client connection: {Error}", e.Message);
            clean = false;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
        {
        }

        if (!arbiter)
        {
            // The client went away: nobody waits for its calls' answers.
            _clients.TryRemove(source, out _);
            source.Dispose();
            foreach (KeyValuePair<(FrameConnection Origin, ulong Id), Call> entry in _inFlight)
            {
                if (entry.Key.Origin == source)
                {
                    TryCancel(entry.Value);
                }
            }

            return null;
        }

        lock (_dispatch)
        {
            _readingEnded = true;
            Monitor.PulseAll(_dispatch);
        }

        if (!_stopping.IsCancellationRequested)
        {
            _quick = true;
            _stopping.Cancel();
        }

        _readerDone.TrySetResult(clean);
        return null;
    }

    private static void TryCancel(Call call)
    {
        try
        {
            call.Cancel.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // already finished
        }
    }

    /// <summary>Runs a call, then the calls that queued up meanwhile, on the same slot.</summary>
    private async Task ServeChainAsync(Call first)
    {
        Call? next = first;
        while (next is not null)
        {
            await ServeAsync(next).ConfigureAwait(false);
            lock (_dispatch)
            {
                if (!_waiting.TryDequeue(out next))
                {
                    _freeSlots++;
                    return;
                }
            }
        }
    }

    private async Task ServeAsync(Call call)
    {
        Frame frame = call.Frame;
        ulong id = frame.RequestId;
        string? appName = null;
        string? actionName = null;
        try
        {
            if (call.Cancel.IsCancellationRequested)
            {
                // Cancelled while it waited for a slot, or we are stopping: nobody waits for an answer.
                return;
            }

            TlvReader reader = frame.Reader();
            appName = reader.ReadString();
            actionName = reader.ReadString();
            var args = reader.ReadValue() as List<object?> ?? throw new DirtyProtocolException("REQUEST arguments are not a list");
            var named = reader.End ? null : reader.ReadValue() as Dictionary<string, object?>;
            await ExecuteAsync(call, appName, actionName, args, named).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (call.Cancel.IsCancellationRequested)
        {
            // The caller gave up (timeout or gone) or we are stopping: nobody waits for an answer.
        }
        catch (DirtyProtocolException e)
        {
            Finish(call, DirtyError.Frame(id, new DirtyError(ErrorKinds.Protocol, e.Message, appName, actionName)));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Exception inner = e is TargetInvocationException { InnerException: { } i } ? i : e;
            Finish(call, DirtyError.Frame(id, new DirtyError(ErrorKinds.AppError, inner.Message, appName, actionName, inner.GetType().FullName, inner.StackTrace)));
        }
        finally
        {
            _inFlight.TryRemove((call.Origin, id), out _);
            call.Cancel.Dispose();
        }
    }

    private async Task ExecuteAsync(Call call, string appName, string actionName, List<object?> args, Dictionary<string, object?>? named)
    {
        ulong id = call.Frame.RequestId;
        CancellationToken cancellationToken = call.Cancel.Token;
        if (_directory.Resolve(appName) is not { } spec || !_apps.TryGetValue(spec.Id, out LoadedDirtyApp? loaded))
        {
            Finish(call, DirtyError.Frame(id, new DirtyError(ErrorKinds.AppNotFound, $"dirty app '{appName}' is not loaded in this dirty worker", appName)));
            return;
        }

        ActionMethod? method = loaded.Find(actionName, args.Count, named);
        if (method is null)
        {
            string why = loaded.HasAction(actionName) ? $"no overload of '{actionName}' takes {args.Count.ToString(CultureInfo.InvariantCulture)} argument(s)" : $"'{actionName}' is not an action of {spec.Id}";
            Finish(call, DirtyError.Frame(id, new DirtyError(ErrorKinds.ActionNotFound, why, appName, actionName)));
            return;
        }

        object? returned = method.Method.Invoke(loaded.Instance, method.Bind(args, named, cancellationToken));
        if (method.IsStream)
        {
            await foreach (object? item in method.Stream(returned, cancellationToken).ConfigureAwait(false))
            {
                if (call.IsFinished)
                {
                    return; // timed out: the caller already has its error
                }

                var chunk = new FrameBuilder(MessageType.Chunk, id);
                Encode(chunk, item);
                call.Extend();
                call.Origin.Send(chunk);
            }

            Finish(call, new FrameBuilder(MessageType.End, id, 0));
            return;
        }

        object? result = await method.CompleteAsync(returned).ConfigureAwait(false);
        var response = new FrameBuilder(MessageType.Response, id);
        Encode(response, result);
        Finish(call, response);
    }

    /// <summary>Sends a call's final answer, unless its deadline already answered it.</summary>
    private static void Finish(Call call, FrameBuilder frame)
    {
        if (call.TryFinish())
        {
            call.Origin.Send(frame);
        }
        else
        {
            frame.Discard();
        }
    }

    private static void Encode(FrameBuilder frame, object? value)
    {
        try
        {
            frame.WriteValue(value);
        }
        catch
        {
            frame.Discard();
            throw;
        }
    }
}
