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
/// or straight from clients on the worker's call socket (<see cref="DirectCallListener"/>), which saves the
/// relay's second round trip. The <see cref="CallDispatcher"/> reads them and gives each call a slot; the
/// <see cref="ActionRunner"/> runs it. Async actions continue on the thread pool once they yield, keeping
/// their slot. The arbiter enforces <c>dirty_timeout</c> on the calls it relays; the worker enforces it on
/// the calls clients send it directly (<see cref="InFlightCalls.DeadlineLoopAsync"/>).
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "Used once per process through RunAsync, which disposes the stash client on its way out.")]
internal sealed class DirtyWorkerHost
{
    private const int QuietBeforeExitMs = 100;

    /// <summary>The signals a dirty worker acts on; <see cref="DirtyEntry"/> takes back those its parent left ignored.</summary>
    internal static int[] CaughtSignals { get; } =
        [Signals.SIGTERM, Signals.SIGINT, Signals.SIGQUIT, Signals.SIGABRT, Signals.SIGUSR1, Signals.SIGHUP];

    private readonly UnicornetConfig _config;
    private readonly ILog _log;
    private readonly int _age;
    private readonly IReadOnlyList<DirtyAppSpec> _assigned;
    private readonly Dictionary<string, LoadedDirtyApp> _apps = new(StringComparer.Ordinal);
    private readonly InFlightCalls _calls = new();
    private readonly WorkerLifetime _lifetime = new();
    private readonly CallDispatcher _dispatcher;
    private readonly long _timeoutTicks;
    private readonly int _arbiterPid;
    private readonly int _pid = ProcessInfo.Pid;
    private DirectCallListener? _callListener;
    private DirtyClient? _client;

    public DirtyWorkerHost(UnicornetConfig config, ILog log, int age, IReadOnlyList<DirtyAppSpec> assigned)
    {
        _config = config;
        _log = log;
        _age = age;
        _assigned = assigned;
        _arbiterPid = ProcessInfo.ParentPid;
        _timeoutTicks = DirtyTimeout.Ticks(config.Options.Dirty.Timeout);
        var runner = new ActionRunner(AppDirectory.FromConfig(config), _apps, _calls);
        _dispatcher = new CallDispatcher(Math.Max(1, config.Options.Dirty.Threads), _calls, runner, _lifetime, _timeoutTicks, log);
    }

    public async Task<int> RunAsync()
    {
        var view = new DirtyWorkerView(_pid, _arbiterPid, _age, _assigned.Select(a => a.Id).ToArray(), _config, _log);
        if (!RunPostForkHook(view))
        {
            return 3;
        }

        ProcessInfo.SetTitle("dirty-worker");
        int threads = _config.Options.Dirty.Threads;
        ThreadPool.GetMinThreads(out int minWorkers, out int minIo);
        ThreadPool.SetMinThreads(Math.Max(minWorkers, threads + 4), minIo);

        using var signals = new SignalQueue(CaughtSignals);
        _ = HandleSignalsAsync(signals);

        string workerSocket = Environment.GetEnvironmentVariable(DirtyEnvironment.WorkerSocket)
            ?? throw new InvalidOperationException($"{DirtyEnvironment.WorkerSocket} is not set");
        if (await ConnectAsync(workerSocket).ConfigureAwait(false) is not { } connection)
        {
            return 3;
        }

        Task heartbeat = HeartbeatThread.Start(connection, _config.Options.Dirty.Timeout, _arbiterPid, _calls, _lifetime, _log);
        _dispatcher.ServeArbiter(connection);
        if (Environment.GetEnvironmentVariable(DirtyEnvironment.Socket) is { Length: > 0 } clientSocket)
        {
            _client = new DirtyClient(clientSocket, null);
        }

        if (!await LoadAppsAsync(view).ConfigureAwait(false))
        {
            connection.Dispose();
            return _lifetime.IsStopping ? 0 : 3;
        }

        ListenForDirectCalls(Path.GetDirectoryName(workerSocket)!);
        SendReady(connection);
        DirtyLog.WorkerReady(_log, _pid, _age, threads);

        await Task.WhenAny(_dispatcher.ArbiterDone, Task.Delay(Timeout.Infinite, _lifetime.Stopping).ContinueWith(_ => { }, TaskScheduler.Default)).ConfigureAwait(false);
        await DrainAsync(arbiterGone: _dispatcher.ArbiterDone.IsCompleted).ConfigureAwait(false);
        await CloseAppsAsync().ConfigureAwait(false);
        connection.Dispose();
        _dispatcher.CloseClients();
        _client?.Dispose();
        await heartbeat.ConfigureAwait(false);
        DirtyLog.WorkerExiting(_log, _pid);
        return 0;
    }

    /// <summary>First thing in the child (gunicorn runs this hook in the parent); false when the hook failed.</summary>
    private bool RunPostForkHook(DirtyWorkerView view)
    {
        var arbiterView = new Arbiter.DirtyArbiterView(_arbiterPid, _config, _log, () => []);
        try
        {
            _config.Hooks.Invoke(HookNames.DirtyPostFork, arbiterView, view);
            return true;
        }
        catch (HookFailedException)
        {
            return false;
        }
    }

    /// <summary>Connects to the arbiter's worker socket and says HELLO; null (logged) when it cannot be reached.</summary>
    private async Task<FrameConnection?> ConnectAsync(string workerSocket)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(workerSocket)).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            DirtyLog.CannotReachArbiter(_log, _pid, workerSocket, e.Message);
            socket.Dispose();
            return null;
        }

        var connection = new FrameConnection(socket);
        var hello = new FrameBuilder(MessageType.Hello, 0);
        hello.WriteInt64(_pid);
        hello.WriteInt64(_age);
        connection.Send(hello);
        return connection;
    }

    /// <summary>Loads and initialises each assigned app, then runs <c>dirty_worker_init</c>; false when that failed.</summary>
    private async Task<bool> LoadAppsAsync(DirtyWorkerView view)
    {
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
                await app.Instance.InitAsync(_lifetime.Stopping).ConfigureAwait(false);
                _apps[spec.Id] = app;
                DirtyLog.AppLoaded(_log, _pid, spec.Id);
            }

            _config.Hooks.Invoke(HookNames.DirtyWorkerInit, view);
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            if (!_lifetime.IsStopping)
            {
                Exception shown = e is TargetInvocationException { InnerException: { } inner } ? inner : e;
                if (shown is not HookFailedException)
                {
                    DirtyLog.AppsFailedToLoad(_log, shown, _pid);
                }
            }

            return false;
        }
    }

    /// <summary>Listening before READY: the arbiter hands out this socket only to clients once we are ready.</summary>
    private void ListenForDirectCalls(string directory)
    {
        try
        {
            _callListener = DirectCallListener.Start(directory, _pid, _dispatcher);
            _ = _calls.DeadlineLoopAsync(_timeoutTicks, _log, _lifetime.Aborted);
        }
        catch (SocketException e)
        {
            // Clients then reach this worker through the arbiter only: slower, but every call still works.
            DirtyLog.CannotListenForDirectCalls(_log, _pid, e.Message);
        }
    }

    private void SendReady(FrameConnection connection)
    {
        var ready = new FrameBuilder(MessageType.Ready, 0);
        ready.WriteListHeader(_apps.Count);
        foreach (string id in _apps.Keys)
        {
            ready.WriteString(id);
        }

        connection.Send(ready);
    }

    private async Task DrainAsync(bool arbiterGone)
    {
        _callListener?.Close();
        if (_lifetime.IsQuick || arbiterGone)
        {
            _lifetime.Abort();
            return;
        }

        // Graceful: the arbiter stopped routing to us and told clients so before it sent TERM. Finish what is
        // running, and stay until no call has arrived for a moment: a client may have picked this worker just
        // before it heard, and its call is still served rather than lost.
        var deadline = DateTime.UtcNow.AddSeconds(_config.Options.Dirty.GracefulTimeout);
        var quiet = System.Diagnostics.Stopwatch.StartNew();
        while (DateTime.UtcNow < deadline)
        {
            if (!_calls.IsEmpty)
            {
                quiet.Restart();
            }
            else if (quiet.ElapsedMilliseconds >= QuietBeforeExitMs)
            {
                break;
            }

            await Task.Delay(20).ConfigureAwait(false);
        }

        _lifetime.Abort();
    }

    private async Task CloseAppsAsync()
    {
        foreach (LoadedDirtyApp app in _apps.Values)
        {
            try
            {
                await app.Instance.CloseAsync().WaitAsync(TimeSpan.FromSeconds(Math.Max(1, _config.Options.Dirty.GracefulTimeout))).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                DirtyLog.AppFailedToClose(_log, e, app.Spec.Id);
            }
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
                    _lifetime.StopQuickly();
                    break;
                default:
                    _lifetime.Stop();
                    break;
            }
        }
    }
}
