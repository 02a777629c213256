using Unicornet.Config;
using Unicornet.Config.Hooks;
using Unicornet.Config.Snapshot;
using Unicornet.Logging;
using Unicornet.Platform;
using Unicornet.Supervision;
using Unicornet.Supervision.Hooks;
using Unicornet.Workers.Supervision;

namespace Unicornet.Workers;

/// <summary>
/// What the parts of one worker process share: the settings, the log, the heartbeat slot, the hook views and
/// the two stop tokens. The start-up, the main loop, the heartbeat thread and the serving code each own their
/// own work and reach one another only through this.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The token sources live as long as the process and are cancelled from signal handling at any moment; disposing them would race Cancel, and a source without a timer holds no unmanaged resource.")]
internal sealed class WorkerContext
{
    private readonly CancellationTokenSource _graceful = new();
    private readonly CancellationTokenSource _immediate = new();
    private volatile InFlightRequests? _busyRequests;
    private int _busyAt;

    public WorkerContext(UnicornetConfig config, UnicornetLog log, HeartbeatFile heartbeat, WorkerStart start)
    {
        Config = config;
        Log = log;
        Heartbeat = heartbeat;
        MasterPid = start.MasterPid;
        WorkerCount = start.Workers > 0 ? start.Workers : config.Options.Worker.Workers;
        View = new WorkerView(start.Age, start.MasterPid, () => Config, log, config.Options.Worker.WorkerClassName, Beat) { ProcessId = ProcessInfo.Pid };
        Server = new ArbiterView(start.MasterPid, () => Config, log, () => WorkerCount, () => [], config.AppModule, config.Options.Arbiter.ProcName);
    }

    /// <summary>The settings; replaced once, when the hooks are bound (<see cref="BindHooks"/>).</summary>
    public UnicornetConfig Config { get; private set; }

    public HookSet Hooks => Config.Hooks;

    public UnicornetLog Log { get; }

    public HeartbeatFile Heartbeat { get; }

    /// <summary>Where the worker records its requests in flight for the master; null when started without a master.</summary>
    public InFlightFile? InFlightFile { get; init; }

    /// <summary>
    /// How many workers the master kept when it started this one: <c>workers</c> as TTIN and TTOU left it, as a
    /// forked gunicorn worker sees its arbiter's count. Without a master, the configured count.
    /// </summary>
    public int WorkerCount { get; }

    /// <summary>The master this worker was started by; its exit or a new parent pid ends the worker.</summary>
    public int MasterPid { get; }

    public WorkerView View { get; }

    public ArbiterView Server { get; }

    /// <summary>The access log, once serving is set up (null while booting and when access logging is off).</summary>
    public RequestLog? RequestLog { get; set; }

    /// <summary>Drain, then stop: TERM, max_requests, the master gone.</summary>
    public CancellationToken Graceful => _graceful.Token;

    /// <summary>Stop now: INT, QUIT, the master gone.</summary>
    public CancellationToken Immediate => _immediate.Token;

    public bool StoppingNow => _immediate.IsCancellationRequested;

    /// <summary>Binds the config's hooks to this process; post_fork is the first hook that runs after it.</summary>
    public void BindHooks() => Config = ConfigSnapshot.BindHooks(Config, Log);

    /// <summary>
    /// Makes the heartbeat report, while <paramref name="busyAt"/> requests of <paramref name="requests"/> run, the
    /// start of the youngest of them instead of now (sync: one request; gthread: every thread taken), so requests
    /// stuck past <c>timeout</c> make the worker look silent.
    /// </summary>
    public void ReportBusySince(InFlightRequests requests, int busyAt)
    {
        _busyAt = Math.Min(busyAt, InFlightFile.Slots);
        _busyRequests = requests;
    }

    /// <summary>Stamps the heartbeat (from the heartbeat thread, the serving loop's ticks and <c>worker.Notify()</c>).</summary>
    public void Beat()
    {
        long now = MonotonicClock.Now;
        Heartbeat.BeatAt(_busyRequests is { } requests ? requests.BusySince(_busyAt, now) : now);
    }

    public void RequestGracefulStop()
    {
        View.Stopping = true;
        Heartbeat.Phase = WorkerPhase.Stopping;
        _graceful.Cancel();
    }

    /// <summary>Stops serving at once; the caller decides how long the process may take to leave.</summary>
    public void StopNow()
    {
        _graceful.Cancel();
        _immediate.Cancel();
    }
}
