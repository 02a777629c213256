using Unicornet.Control;
using Unicornet.Control.Server;
using Unicornet.Dirty;
using Unicornet.Platform;

namespace Unicornet.Arbitration;

// The control socket. IControlHandler methods run on thread-pool threads: reads and state changes
// are queued to the main loop through _controlQueue (which wakes Loop with a Control event);
// reload/reopen/shutdown are queued as the equivalent signal events, so they behave exactly like
// HUP/USR1/TERM/INT and the reply goes out before the master acts.
internal sealed partial class Master : IControlHandler
{
    private static readonly TimeSpan s_dirtyTimeout = TimeSpan.FromSeconds(5);
    private readonly long _startedAtTick = Environment.TickCount64;
    private MainLoopDispatcher? _controlQueue;
    private ControlServer? _controlServer;
    private long _spawnedCount;
    private long _killedCount;
    private long _reloadCount;

    /// <summary>Opens the control socket unless disabled; a busy or unusable path is logged, not fatal.</summary>
    private void StartControlServer()
    {
        _controlQueue ??= new MainLoopDispatcher(() => _events.Writer.TryWrite(new MasterEvent(EventKind.Control)));
        if (_controlServer is not null || (_config.Options.Control is { Disabled: false } control ? ControlServerOptions.ForInstance(control.SocketPath, control.Mode, _pid) : null) is not { } options)
        {
            return;
        }

        try
        {
            _controlServer = ControlServer.Start(options, this, _log);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            _log.Warning("Control socket not available: {Error}", e.Message);
        }
    }

    private void StopControlServer()
    {
        ControlServer? server = Interlocked.Exchange(ref _controlServer, null);
        server?.StopAsync().GetAwaiter().GetResult();
    }

    private Task<T> OnLoop<T>(Func<T> work, CancellationToken ct) => _controlQueue!.InvokeAsync(work, ct);

    private Task<ActionResult> Raise(int signal, ActionResult result)
    {
        _events.Writer.TryWrite(new MasterEvent(EventKind.Signal, signal));
        return Task.FromResult(result);
    }

    private List<WorkerHandle> LiveWorkers() => _workers.Where(w => !w.Exited && w.Pid > 0).OrderBy(w => w.Age).ToList();

    public Task<WorkersData> ShowWorkersAsync(CancellationToken ct) => OnLoop(
        () => new WorkersData(LiveWorkers().Select(w => new WorkerInfo(
            w.Pid, w.Age, w.Ready, w.AbortedAt != 0, w.Ready ? w.Heartbeat.SilentMilliseconds / 1000.0 : null, w.Heartbeat.Requests)).ToArray()),
        ct);

    public Task<StatsData> ShowStatsAsync(CancellationToken ct) => OnLoop(
        () =>
        {
            List<WorkerHandle> live = LiveWorkers();
            WorkerRequests[] perWorker = live.Select(w => new WorkerRequests(w.Pid, w.Heartbeat.Requests)).ToArray();
            return new StatsData(
                (Environment.TickCount64 - _startedAtTick) / 1000.0, _pid, live.Count, _target, _spawnedCount, _killedCount, _reloadCount,
                perWorker.Sum(r => r.Requests), perWorker, _dirty?.Pid);
        },
        ct);

    public Task<ConfigData> ShowConfigAsync(CancellationToken ct) => OnLoop(() => ConfigData.FromSettings(_config), ct);

    public Task<ListenersData> ShowListenersAsync(CancellationToken ct) => OnLoop(
        () => new ListenersData(_listeners.Select(l => new ListenerInfo(
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
        _dirty is { } dirty && await dirty.StatusAsync(s_dirtyTimeout).ConfigureAwait(false) is { } status
            ? DirtyStatusReader.FromStatus(status)
            : _dirty is null ? DirtyData.Disabled : new DirtyData(true, _dirty.Pid, 0, [], []);

    public Task<WorkersAdded> AddWorkersAsync(int count, CancellationToken ct) => OnLoop(
        () =>
        {
            int previous = _target;
            SetTarget(previous + count);
            return new WorkersAdded(count, previous, _target);
        },
        ct);

    public Task<WorkersRemoved> RemoveWorkersAsync(int count, CancellationToken ct) => OnLoop(
        () =>
        {
            WorkersRemoved result = WorkersRemoved.Clamp(_target, count);
            if (result.Removed > 0)
            {
                SetTarget(result.Total);
            }

            return result;
        },
        ct);

    public Task<WorkerKillResult> KillWorkerAsync(int pid, CancellationToken ct) => OnLoop(
        () =>
        {
            WorkerHandle? w = _workers.FirstOrDefault(x => x.Pid == pid && !x.Exited);
            if (w is null)
            {
                return new WorkerKillResult(false, null, $"{pid} is not a worker of this master");
            }

            _killedCount++;
            Retire(w, Signals.SIGTERM);
            return new WorkerKillResult(true, pid, null);
        },
        ct);

    public Task<DirtyScaleResult> AddDirtyWorkersAsync(int count, CancellationToken ct) => ManageDirtyAsync(add: true, count);

    public Task<DirtyScaleResult> RemoveDirtyWorkersAsync(int count, CancellationToken ct) => ManageDirtyAsync(add: false, count);

    private async Task<DirtyScaleResult> ManageDirtyAsync(bool add, int count)
    {
        if (_dirty is not { } dirty)
        {
            return new DirtyScaleResult(false, add ? "add" : "remove", count, 0, 0, 0, "dirty arbiters are not enabled (dirty_workers and dirty_apps)");
        }

        IReadOnlyDictionary<string, object?>? reply = await dirty.ManageAsync(add, count, s_dirtyTimeout).ConfigureAwait(false);
        IReadOnlyDictionary<string, object?>? status = await dirty.StatusAsync(s_dirtyTimeout).ConfigureAwait(false);
        return DirtyStatusReader.FromManage(add, count, reply, status is null ? null : DirtyStatusReader.FromStatus(status).Count);
    }

    public Task<ActionResult> ReloadAsync(CancellationToken ct) => Raise(Signals.SIGHUP, ActionResult.Reloading);

    public Task<ActionResult> ReopenAsync(CancellationToken ct) => Raise(Signals.SIGUSR1, ActionResult.Reopening);

    public Task<ActionResult> ShutdownAsync(ShutdownMode mode, CancellationToken ct) =>
        Raise(mode == ShutdownMode.Quick ? Signals.SIGINT : Signals.SIGTERM, ActionResult.ShuttingDown(mode));
}
