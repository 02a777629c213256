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
/// Calls are served leader/follower style by dedicated threads: one of them reads the connection;
/// when it reads a call and a slot is free it hands reading to an idle thread and runs the call
/// itself, so a call starts on the thread the kernel woke for it, with no hand-off. A call that
/// finds every slot busy waits in a queue, and whoever finishes a call runs the next one straight
/// away. Async actions continue on the thread pool once they yield, keeping their slot.
/// </remarks>
internal sealed class DirtyWorkerHost
{
    private readonly UnicornetConfig _config;
    private readonly ILog _log;
    private readonly int _age;
    private readonly IReadOnlyList<DirtyAppSpec> _assigned;
    private readonly AppDirectory _directory;
    private readonly Dictionary<string, LoadedDirtyApp> _apps = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<ulong, CancellationTokenSource> _inFlight = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly object _dispatch = new();
    private readonly Queue<(Frame Frame, CancellationTokenSource Cancel)> _waiting = new();
    private readonly TaskCompletionSource<bool> _readerDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _freeSlots;
    private int _idleThreads;
    private bool _readerTaken;
    private bool _readingEnded;
    private readonly int _arbiterPid;
    private FrameConnection? _connection;
    private DirtyClient? _client;
    private bool _quick;

    public DirtyWorkerHost(UnicornetConfig config, ILog log, int age, IReadOnlyList<DirtyAppSpec> assigned)
    {
        _config = config;
        _log = log;
        _age = age;
        _assigned = assigned;
        _directory = AppDirectory.FromConfig(config);
        _freeSlots = Math.Max(1, config.Get<int>("dirty_threads"));
        _arbiterPid = ProcessInfo.ParentPid;
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
        int threads = _config.Get<int>("dirty_threads");
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
        StartThread();
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
                await app.Instance.CloseAsync().WaitAsync(TimeSpan.FromSeconds(Math.Max(1, _config.Get<int>("dirty_graceful_timeout")))).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _log.Exception(e, "Dirty app {App} failed to close", app.Spec.Id);
            }
        }

        _connection.Dispose();
        _client?.Dispose();
        await heartbeat.ConfigureAwait(false);
        _log.Info("Dirty worker {Pid} exiting", pid);
        return 0;
    }

    private async Task DrainAsync(bool arbiterGone)
    {
        if (_quick || arbiterGone)
        {
            _abort.Cancel();
            return;
        }

        // Graceful: the arbiter stopped routing to us when it sent TERM; finish what is running.
        var deadline = DateTime.UtcNow.AddSeconds(_config.Get<int>("dirty_graceful_timeout"));
        while (!_inFlight.IsEmpty && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20).ConfigureAwait(false);
        }

        _abort.Cancel();
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
        int timeout = _config.Get<int>("dirty_timeout");
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

                    _connection!.Send(MessageType.Heartbeat, 0, ReadOnlySpan<byte>.Empty);
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
        while (TakeReader())
        {
            if (ReadUntilCall() is not { } call)
            {
                return;
            }

            _ = ServeChainAsync(call.Frame, call.Cancel);
        }
    }

    /// <summary>Waits until this thread may read (the connection has one reader at a time); false once reading ended.</summary>
    private bool TakeReader()
    {
        lock (_dispatch)
        {
            while (_readerTaken && !_readingEnded)
            {
                _idleThreads++;
                Monitor.Wait(_dispatch);
                _idleThreads--;
            }

            if (_readingEnded)
            {
                return false;
            }

            _readerTaken = true;
            return true;
        }
    }

    /// <summary>
    /// Reads frames until one is a call this thread should run now (it then gave up reading), or null when the
    /// connection ended: cleanly or on an I/O error (true), or on a protocol error (false) in <see cref="_readerDone"/>.
    /// </summary>
    private (Frame Frame, CancellationTokenSource Cancel)? ReadUntilCall()
    {
        bool clean = true;
        try
        {
            while (_connection!.Read() is { } frame)
            {
                switch (frame.Type)
                {
                    case MessageType.Request:
                        var cts = CancellationTokenSource.CreateLinkedTokenSource(_abort.Token);
                        _inFlight[frame.RequestId] = cts;
                        bool wakeIdle;
                        lock (_dispatch)
                        {
                            if (_freeSlots == 0)
                            {
                                _waiting.Enqueue((frame, cts));
                                continue;
                            }

                            _freeSlots--;
                            _readerTaken = false;
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

                        return (frame, cts);
                    case MessageType.Cancel:
                        if (_inFlight.TryGetValue(frame.RequestId, out CancellationTokenSource? cancel))
                        {
                            cancel.Cancel();
                        }

                        break;
                    default:
                        _log.Warning("Dirty worker ignoring a {Type} frame", frame.Type);
                        break;
                }
            }
        }
        catch (DirtyProtocolException e)
        {
            _log.Error("Dirty worker: protocol error from the dirty arbiter: {Error}", e.Message);
            clean = false;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
        {
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

    /// <summary>Runs a call, then the calls that queued up meanwhile, on the same slot.</summary>
    private async Task ServeChainAsync(Frame frame, CancellationTokenSource cts)
    {
        (Frame Frame, CancellationTokenSource Cancel)? next = (frame, cts);
        while (next is { } call)
        {
            await ServeAsync(call.Frame, call.Cancel).ConfigureAwait(false);
            lock (_dispatch)
            {
                if (!_waiting.TryDequeue(out (Frame, CancellationTokenSource) queued))
                {
                    _freeSlots++;
                    return;
                }

                next = queued;
            }
        }
    }

    private async Task ServeAsync(Frame frame, CancellationTokenSource cts)
    {
        ulong id = frame.RequestId;
        string? appName = null;
        string? actionName = null;
        try
        {
            if (cts.IsCancellationRequested)
            {
                // Cancelled while it waited for a slot, or we are stopping: nobody waits for an answer.
                return;
            }

            TlvReader reader = frame.Reader();
            appName = reader.ReadString();
            actionName = reader.ReadString();
            var args = reader.ReadValue() as List<object?> ?? throw new DirtyProtocolException("REQUEST arguments are not a list");
            var named = reader.End ? null : reader.ReadValue() as Dictionary<string, object?>;
            await ExecuteAsync(id, appName, actionName, args, named, cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            // The arbiter gave up on the call (timeout or caller gone) or we are stopping: nobody waits for an answer.
        }
        catch (DirtyProtocolException e)
        {
            Send(DirtyError.Frame(id, new DirtyError(ErrorKinds.Protocol, e.Message, appName, actionName)));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Exception inner = e is TargetInvocationException { InnerException: { } i } ? i : e;
            Send(DirtyError.Frame(id, new DirtyError(ErrorKinds.AppError, inner.Message, appName, actionName, inner.GetType().FullName, inner.StackTrace)));
        }
        finally
        {
            _inFlight.TryRemove(id, out _);
            cts.Dispose();
        }
    }

    private async Task ExecuteAsync(ulong id, string appName, string actionName, List<object?> args, Dictionary<string, object?>? named, CancellationToken cancellationToken)
    {
        if (_directory.Resolve(appName) is not { } spec || !_apps.TryGetValue(spec.Id, out LoadedDirtyApp? loaded))
        {
            Send(DirtyError.Frame(id, new DirtyError(ErrorKinds.AppNotFound, $"dirty app '{appName}' is not loaded in this dirty worker", appName)));
            return;
        }

        ActionMethod? method = loaded.Find(actionName, args.Count, named);
        if (method is null)
        {
            string why = loaded.HasAction(actionName) ? $"no overload of '{actionName}' takes {args.Count.ToString(CultureInfo.InvariantCulture)} argument(s)" : $"'{actionName}' is not an action of {spec.Id}";
            Send(DirtyError.Frame(id, new DirtyError(ErrorKinds.ActionNotFound, why, appName, actionName)));
            return;
        }

        object? returned = method.Method.Invoke(loaded.Instance, method.Bind(args, named, cancellationToken));
        if (method.IsStream)
        {
            await foreach (object? item in method.Stream(returned, cancellationToken).ConfigureAwait(false))
            {
                var chunk = new FrameBuilder(MessageType.Chunk, id);
                Encode(chunk, item);
                Send(chunk);
            }

            Send(new FrameBuilder(MessageType.End, id, 0));
            return;
        }

        object? result = await method.CompleteAsync(returned).ConfigureAwait(false);
        var response = new FrameBuilder(MessageType.Response, id);
        Encode(response, result);
        Send(response);
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

    private void Send(FrameBuilder frame) => _connection!.Send(frame);
}
