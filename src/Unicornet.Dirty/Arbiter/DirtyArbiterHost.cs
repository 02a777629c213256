using System.Globalization;
using System.Net.Sockets;
using System.Threading.Channels;
using Unicornet.Config;
using Unicornet.Config.Hooks;
using Unicornet.Dirty.Apps;
using Unicornet.Dirty.Protocol;
using Unicornet.Platform;

using Unicornet.Config.Snapshot;

namespace Unicornet.Dirty.Arbiter;

/// <summary>
/// The dirty arbiter process: owns the client socket, the dirty workers and the stash, and runs the main
/// loop that acts on signals. The work is done by parts that own their state: the <see cref="WorkerPool"/>
/// (supervision), the <see cref="RouteTable"/> (ROUTE, ROUTES_CHANGED), the <see cref="CallRelay"/>
/// (calls relayed to the least busy worker, each under its own never-reused id and deadline), the
/// <see cref="ClientChannel"/> and <see cref="WorkerChannel"/> (the two kinds of connection), the
/// <see cref="StashStore"/> and the <see cref="ArbiterPidFile"/>.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "Used once per process through RunAsync, whose StopAsync disposes the signal queue; the stopping source lives as long as the process, and a source without a timer holds no unmanaged resource.")]
internal sealed class DirtyArbiterHost
{
    private const int WakeSignal = -1;

    /// <summary>The signals the arbiter acts on; <see cref="DirtyEntry"/> takes back those its parent left ignored.</summary>
    internal static int[] CaughtSignals { get; } =
        [Signals.SIGTERM, Signals.SIGINT, Signals.SIGQUIT, Signals.SIGHUP, Signals.SIGUSR1, Signals.SIGTTIN, Signals.SIGTTOU];

    private readonly CancellationTokenSource _stopping = new();
    private readonly ILog _log;
    private readonly string _clientSocketPath;
    private readonly string _workerSocketPath;
    private readonly int _parentPid;
    private readonly ArbiterPidFile _pidFile;
    private readonly RouteTable _table;
    private readonly CallRelay _relay;
    private readonly WorkerPool _pool;
    private readonly ClientChannel _clients;
    private readonly WorkerChannel _workerLinks;
    private UnicornetConfig _config;
    private SignalQueue? _signals;
    private Socket? _clientListener;
    private Socket? _workerListener;
    private bool _quickStop;

    public DirtyArbiterHost(UnicornetConfig config, ILog log, string clientSocketPath, string? pidFile)
    {
        _config = config;
        _log = log;
        _clientSocketPath = clientSocketPath;
        string socketDirectory = Path.GetDirectoryName(clientSocketPath)!;
        _workerSocketPath = Path.Combine(socketDirectory, "workers-" + ProcessInfo.Pid.ToString(CultureInfo.InvariantCulture) + ".sock");
        _pidFile = new ArbiterPidFile(pidFile, log);
        _parentPid = ProcessInfo.ParentPid;
        var sessions = new SessionSet();
        var stash = new StashStore();
        _table = new RouteTable(AppDirectory.FromConfig(config), sessions, socketDirectory, log);
        _relay = new CallRelay(_table, log) { TimeoutTicks = DirtyTimeout.Ticks(config.Options.Dirty.Timeout) };
        var launcher = new WorkerLauncher(_workerSocketPath, clientSocketPath, log);
        _pool = new WorkerPool(config, log, _table, _relay, launcher, socketDirectory, Wake, _stopping.Token);
        _clients = new ClientChannel(sessions, _table, _relay, stash, new ArbiterStatus(_pool, _table, stash, clientSocketPath), _pool, log);
        _workerLinks = new WorkerChannel(_pool, _relay, log, Wake);
    }

    public async Task<int> RunAsync()
    {
        ProcessInfo.SetTitle("dirty-arbiter");
        _pidFile.KillStaleInstance();
        _pidFile.Write();
        _table.Load();
        _pool.WarnIfBelowAppMinimum();
        try
        {
            _clientListener = UnixSockets.Listen(_clientSocketPath);
            _workerListener = UnixSockets.Listen(_workerSocketPath);
        }
        catch (SocketException e)
        {
            DirtyLog.ArbiterCannotListen(_log, _clientSocketPath, e.Message);
            _pidFile.Remove();
            return 1;
        }

        _signals = new SignalQueue(CaughtSignals);
        _config.Hooks.Invoke(HookNames.OnDirtyStarting, _pool.ArbiterView);
        DirtyLog.ArbiterBooted(_log, ProcessInfo.Pid, _clientSocketPath, _pool.Target);

        _ = AcceptLoopAsync(_workerListener, _workerLinks.RunAsync);
        _ = AcceptLoopAsync(_clientListener, _clients.RunAsync);
        _ = _relay.TimeoutLoopAsync(_stopping.Token);
        _pool.TopUp();

        await MainLoopAsync().ConfigureAwait(false);
        await StopAsync().ConfigureAwait(false);
        return 0;
    }

    private void Wake() => _signals?.Post(WakeSignal);

    private async Task AcceptLoopAsync(Socket listener, Func<FrameConnection, Task> serve)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return;
            }

#pragma warning disable CA2000 // each channel's RunAsync owns the connection and disposes it when the peer goes
            _ = serve(new FrameConnection(socket));
#pragma warning restore CA2000
        }
    }

    private async Task MainLoopAsync()
    {
        ChannelReader<int> reader = _signals!.Reader;
        while (!_stopping.IsCancellationRequested)
        {
            using var tick = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            int sig = 0;
            try
            {
                sig = await reader.ReadAsync(tick.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            if (!Handle(sig))
            {
                return;
            }

            if (ProcessInfo.ParentPid != _parentPid)
            {
                DirtyLog.MasterGone(_log, _parentPid);
                return;
            }

            _pool.Supervise();
        }
    }

    /// <summary>Acts on one signal (0 for none, the wake-up for a worker event); false to stop.</summary>
    private bool Handle(int sig)
    {
        switch (sig)
        {
            case Signals.SIGTERM:
                DirtyLog.StoppingGracefully(_log);
                return false;
            case Signals.SIGINT or Signals.SIGQUIT:
                DirtyLog.StoppingQuickly(_log, Signals.Name(sig));
                _quickStop = true;
                return false;
            case Signals.SIGHUP:
                Reload();
                break;
            case Signals.SIGUSR1:
                _log.Reopen();
                _pool.SignalAll(Signals.SIGUSR1);
                break;
            case Signals.SIGTTIN:
                DirtyLog.ScaledUp(_log, _pool.Manage(add: true, 1).Reason);
                break;
            case Signals.SIGTTOU:
                DirtyLog.ScaledDown(_log, _pool.Manage(add: false, 1).Reason);
                break;
        }

        return true;
    }

    /// <summary>HUP: rereads the config snapshot, then starts a fresh worker for every live one.</summary>
    private void Reload()
    {
        string? path = Environment.GetEnvironmentVariable(DirtyEnvironment.Config);
        if (path is not null)
        {
            try
            {
                UnicornetConfig fresh = ConfigSnapshot.Read(path);
                _config = ConfigSnapshot.BindHooks(fresh, _log);
                _relay.TimeoutTicks = DirtyTimeout.Ticks(_config.Options.Dirty.Timeout);
                _pool.Apply(_config);
            }
            catch (Exception e) when (e is IOException or ConfigException or InvalidOperationException or KeyNotFoundException)
            {
                DirtyLog.ReloadFailed(_log, e.Message);
            }
        }

        _pool.ReplaceAll();
        DirtyLog.Reloading(_log, _pool.Target);
    }

    private async Task StopAsync()
    {
        _stopping.Cancel();
        _clientListener?.Dispose();
        _workerListener?.Dispose();
        UnixSockets.TryDelete(_clientSocketPath);
        UnixSockets.TryDelete(_workerSocketPath);
        _pool.StopAll(_quickStop);
        _relay.FailAll("the dirty arbiter is stopping");

        await Task.Delay(50).ConfigureAwait(false);
        _pidFile.Remove();
        _signals?.Dispose();
        DirtyLog.ArbiterExiting(_log, ProcessInfo.Pid);
    }
}
