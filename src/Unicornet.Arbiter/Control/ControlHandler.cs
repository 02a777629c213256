using Unicornet.Config.Options;
using Unicornet.Control;
using Unicornet.Control.Server;
using Unicornet.Platform;

namespace Unicornet.Arbitration;

/// <summary>
/// The control socket's side of the master, and the only type of the master that names Control's types: it
/// exists only once the socket is asked for (<see cref="ControlEndpoint"/> creates it), so a master without a
/// control socket never loads Unicornet.Control. <see cref="IControlHandler"/> methods run on thread-pool
/// threads: reads and state changes are queued to the main loop through a <see cref="MainLoopDispatcher"/>
/// (which wakes the loop with a Control event); reload/reopen/shutdown are queued as the equivalent
/// signals, so they behave exactly like HUP/USR1/TERM/INT and the reply goes out before the master acts.
/// </summary>
internal sealed class ControlHandler : IControlHandler, IControlSession
{
    private static readonly TimeSpan s_dirtyTimeout = TimeSpan.FromSeconds(5);
    private readonly long _startedAtTick;
    private readonly MasterContext _ctx;
    private readonly WorkerPool _pool;
    private readonly Reloader _reloader;
    private readonly MasterSignals _signals;
    private readonly MainLoopDispatcher _queue;
    private ControlServer? _server;

    public ControlHandler(MasterContext ctx, WorkerPool pool, Reloader reloader, MasterSignals signals, long startedAtTick)
    {
        _ctx = ctx;
        _pool = pool;
        _reloader = reloader;
        _signals = signals;
        _startedAtTick = startedAtTick;
        _queue = new MainLoopDispatcher(() => ctx.Events.Post(new MasterEvent(EventKind.Control)));
    }

    public void RunPending() => _queue.RunPending();

    /// <summary>Opens the socket unless it is open; a busy or unusable path is logged, not fatal.</summary>
    public void Start(ControlOptions control)
    {
        if (_server is not null)
        {
            return;
        }

        try
        {
            _server = ControlServer.Start(ControlServerOptions.ForInstance(control.SocketPath, control.Mode, _ctx.Pid), this, _ctx.Log);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            _ctx.Log.ControlSocketUnavailable(e.Message);
        }
    }

    public void Stop()
    {
        ControlServer? server = Interlocked.Exchange(ref _server, null);
        server?.StopAsync().GetAwaiter().GetResult();
    }

    public Task<WorkersData> ShowWorkersAsync(CancellationToken ct) => OnLoop(
        () => new WorkersData(_pool.Live().Select(w => new WorkerInfo(
            w.Pid, w.Age, w.Ready, w.AbortedAt != 0, w.Ready ? w.Heartbeat.SilentMilliseconds / 1000.0 : null, w.Heartbeat.Requests)
        {
            State = w.TimedOutAt != 0 || w.AbortedAt != 0 ? "timed out" : w.SignalledAt != 0 ? "stopping" : w.Ready ? "ready" : "booting",
            Uptime = w.AgeSeconds,
            InFlight = w.RequestsInFlight().Count,
            Rss = ProcessInfo.ResidentBytes(w.Pid),
            CpuSeconds = ProcessInfo.CpuSeconds(w.Pid),
        }).ToArray()),
        ct);

    public Task<StatsData> ShowStatsAsync(CancellationToken ct) => OnLoop(
        () =>
        {
            List<WorkerHandle> live = _pool.Live();
            WorkerRequests[] perWorker = live.Select(w => new WorkerRequests(w.Pid, w.Heartbeat.Requests)).ToArray();

            // The total counts workers already gone (reloads, exits) too: it only ever grows.
            return new StatsData(
                (Environment.TickCount64 - _startedAtTick) / 1000.0, _ctx.Pid, live.Count, _pool.Target, _pool.SpawnedCount, _pool.KilledCount, _reloader.Count,
                _pool.RetiredRequests + perWorker.Sum(r => r.Requests), perWorker, _ctx.Dirty?.Pid)
            {
                State = _ctx.StopState.Stopping ? "stopping" : "running",
            };
        },
        ct);

    public Task<ConfigData> ShowConfigAsync(CancellationToken ct) => OnLoop(() => ConfigData.FromSettings(_ctx.Config), ct);

    public Task<ListenersData> ShowListenersAsync(CancellationToken ct) => OnLoop(
        () => new ListenersData(_ctx.Listeners.Select(l => new ListenerInfo(
            l.ToString(),
            l.Fd,
            l.Socket.AddressFamily switch
            {
                System.Net.Sockets.AddressFamily.Unix => "unix",
                System.Net.Sockets.AddressFamily.InterNetworkV6 => "tcp6",
                _ => "tcp",
            })).ToArray()),
        ct);

    // The dirty arbiter is asked directly (its own socket), so this need not touch master state.
    public async Task<DirtyData> ShowDirtyAsync(CancellationToken ct) =>
        _ctx.Dirty is { } dirty && await dirty.StatusAsync(s_dirtyTimeout).ConfigureAwait(false) is { } status
            ? DirtyStatusReader.FromStatus(status)
            : _ctx.Dirty is null ? DirtyData.Disabled : new DirtyData(true, _ctx.Dirty.Pid, 0, [], []);

    // Rendered on this thread as a scrape is: the registry is built for reads off the main loop.
    public Task<MetricsData> ShowMetricsAsync(CancellationToken ct) =>
        Task.FromResult(_ctx.MetricsEndpoint is { } endpoint ? new MetricsData(true, endpoint.Render(openMetrics: false)) : MetricsData.Off);

    public Task<WorkersAdded> AddWorkersAsync(int count, CancellationToken ct) => OnLoop(
        () =>
        {
            int previous = _pool.Target;
            _pool.SetTarget(previous + count);
            return new WorkersAdded(count, previous, _pool.Target);
        },
        ct);

    public Task<WorkersRemoved> RemoveWorkersAsync(int count, CancellationToken ct) => OnLoop(
        () =>
        {
            WorkersRemoved result = WorkersRemoved.Clamp(_pool.Target, count);
            if (result.Removed > 0)
            {
                _pool.SetTarget(result.Total);
            }

            return result;
        },
        ct);

    public Task<WorkerKillResult> KillWorkerAsync(int pid, CancellationToken ct) => OnLoop(
        () =>
        {
            if (_pool.Find(pid) is not { } w)
            {
                return new WorkerKillResult(false, null, $"{pid} is not a worker of this master");
            }

            _pool.RetireOnRequest(w);
            return new WorkerKillResult(true, pid, null);
        },
        ct);

    public Task<DirtyScaleResult> AddDirtyWorkersAsync(int count, CancellationToken ct) => ManageDirtyAsync(add: true, count);

    public Task<DirtyScaleResult> RemoveDirtyWorkersAsync(int count, CancellationToken ct) => ManageDirtyAsync(add: false, count);

    public Task<ActionResult> ReloadAsync(CancellationToken ct) => Raise(Signals.SIGHUP, ActionResult.Reloading);

    public Task<ActionResult> ReopenAsync(CancellationToken ct) => Raise(Signals.SIGUSR1, ActionResult.Reopening);

    public Task<ActionResult> ShutdownAsync(ShutdownMode mode, CancellationToken ct) =>
        Raise(mode == ShutdownMode.Quick ? Signals.SIGINT : Signals.SIGTERM, ActionResult.ShuttingDown(mode));

    private Task<T> OnLoop<T>(Func<T> work, CancellationToken ct) => _queue.InvokeAsync(work, ct);

    private Task<ActionResult> Raise(int signal, ActionResult result)
    {
        _signals.Post(signal);
        return Task.FromResult(result);
    }

    private async Task<DirtyScaleResult> ManageDirtyAsync(bool add, int count)
    {
        if (_ctx.Dirty is not { } dirty)
        {
            return new DirtyScaleResult(false, add ? "add" : "remove", count, 0, 0, 0, "dirty arbiters are not enabled (dirty_workers and dirty_apps)");
        }

        IReadOnlyDictionary<string, object?>? reply = await dirty.ManageAsync(add, count, s_dirtyTimeout).ConfigureAwait(false);
        IReadOnlyDictionary<string, object?>? status = await dirty.StatusAsync(s_dirtyTimeout).ConfigureAwait(false);
        return DirtyStatusReader.FromManage(add, count, reply, status is null ? null : DirtyStatusReader.FromStatus(status).Count);
    }
}
