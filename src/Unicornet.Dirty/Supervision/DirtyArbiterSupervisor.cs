using System.Diagnostics;
using Unicornet.Config;
using Unicornet.Dirty.Client;
using Unicornet.Platform;

using Unicornet.Config.Snapshot;

namespace Unicornet.Dirty;

/// <summary>
/// The master's handle on the dirty arbiter: starts it, restarts it when it dies (call
/// <see cref="CheckAndRestart"/> every master tick), forwards signals, stops it, and asks it for its
/// status. HTTP workers need <see cref="SocketVariable"/> = <see cref="SocketPath"/> in their
/// environment; the path stays the same across dirty arbiter restarts.
/// </summary>
public sealed class DirtyArbiterSupervisor : IAsyncDisposable
{
    /// <summary>The environment variable HTTP workers read the dirty socket path from.</summary>
    public const string SocketVariable = DirtyEnvironment.Socket;

    private readonly ILog _log;
    private readonly string _directory;
    private readonly string _snapshotPath;
    private readonly bool _ownsSnapshot;
    private UnicornetConfig _config;
    private Process? _process;
    private DateTime _lastStart = DateTime.MinValue;
    private bool _stopped;

    /// <summary>Prepares the dirty arbiter (nothing runs until <see cref="Start"/>).</summary>
    /// <param name="config">The resolved config.</param>
    /// <param name="log">The master's log.</param>
    /// <param name="configSnapshotPath">The JSON snapshot the master already wrote for HTTP workers; null writes one in the private directory.</param>
    /// <param name="upgrade">True in a USR2 child master: the pid file gets a <c>.2</c> suffix so the old generation's dirty arbiter is left alone.</param>
    public DirtyArbiterSupervisor(UnicornetConfig config, ILog log, string? configSnapshotPath = null, bool upgrade = false)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(log);
        _config = config;
        _log = log;

        // mkdtemp: a fresh 0700 directory, so the socket inside is private even before its chmod.
        _directory = Directory.CreateTempSubdirectory("unicornet-dirty-").FullName;
        SocketPath = Path.Combine(_directory, "arbiter.sock");
        string name = string.Concat(config.Options.Arbiter.ProcName.Select(c => c is '/' or ' ' or '\\' ? '_' : c));
        PidFilePath = Path.Combine(Path.GetTempPath(), "unicornet-dirty-" + name + ".pid" + (upgrade ? ".2" : ""));
        _ownsSnapshot = configSnapshotPath is null;
        _snapshotPath = configSnapshotPath ?? Path.Combine(_directory, "config.json");
        if (_ownsSnapshot)
        {
            ConfigSnapshot.Write(config, _snapshotPath);
        }
    }

    /// <summary>True when the config asks for a dirty pool (<c>dirty_workers</c> &gt; 0 and <c>dirty_apps</c> set).</summary>
    public static bool IsEnabled(UnicornetConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Options.Dirty.Workers > 0 && config.Options.Dirty.Apps.Count > 0;
    }

    /// <summary>The dirty arbiter's client socket (inside a private 0700 directory).</summary>
    public string SocketPath { get; }

    /// <summary>The dirty arbiter's pid file.</summary>
    public string PidFilePath { get; }

    /// <summary>The dirty arbiter's pid while it runs.</summary>
    public int? Pid => _process is { } p && !HasExited(p) ? p.Id : null;

    /// <summary>Extra environment for HTTP workers: <see cref="SocketVariable"/>.</summary>
    public IReadOnlyDictionary<string, string> WorkerEnvironment => new Dictionary<string, string> { [SocketVariable] = SocketPath };

    /// <summary>Lets the master adjust how the dirty arbiter is started (extra environment, ...).</summary>
    public Action<ProcessStartInfo>? ConfigureStartInfo { get; set; }

    /// <summary>Replaces <see cref="SelfLauncher"/> (tests run a different host executable).</summary>
    internal Func<ProcessStartInfo>? StartInfoFactory { get; set; }

    /// <summary>Starts the dirty arbiter.</summary>
    public void Start()
    {
        _stopped = false;
        ProcessStartInfo psi = StartInfoFactory?.Invoke() ?? SelfLauncher.StartInfo(ProcessRoles.DirtyArbiter);
        psi.Environment[ProcessRoles.Variable] = ProcessRoles.DirtyArbiter;
        psi.Environment[DirtyEnvironment.Config] = _snapshotPath;
        psi.Environment[DirtyEnvironment.Socket] = SocketPath;
        psi.Environment[DirtyEnvironment.PidFile] = PidFilePath;
        ChildRuntime.UseSmallGen0(psi);

        // The arbiter's socket continuations are tiny (route a frame, queue a send): running them on
        // the epoll thread saves a thread-pool hop per frame.
        psi.Environment[ChildRuntime.InlineSocketCompletionsVariable] = "1";
        ConfigureStartInfo?.Invoke(psi);
        _process = Process.Start(psi) ?? throw new InvalidOperationException("could not start the dirty arbiter");
        _lastStart = DateTime.UtcNow;
        DirtyLog.ArbiterSpawned(_log, _process.Id);
    }

    /// <summary>Restarts the dirty arbiter if it died; returns true when it did. Call once per master tick.</summary>
    public bool CheckAndRestart()
    {
        if (_stopped || _process is null || !HasExited(_process))
        {
            return false;
        }

        // Restarting at most once a second keeps a crash loop from spinning the master.
        if (DateTime.UtcNow - _lastStart < TimeSpan.FromSeconds(1))
        {
            return false;
        }

        int code = SafeExitCode(_process);
        DirtyLog.ArbiterRestarting(_log, _process.Id, code);
        _process.Dispose();
        _process = null;
        Start();
        return true;
    }

    /// <summary>Forwards a signal (HUP, USR1, TTIN, TTOU, TERM, ...) to the dirty arbiter.</summary>
    public void Signal(int sig)
    {
        if (Pid is int pid)
        {
            Signals.Send(pid, sig);
        }
    }

    /// <summary>On master reload: rewrites the snapshot (when this supervisor owns it) and sends HUP.</summary>
    public void Reload(UnicornetConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        _config = config;
        if (_ownsSnapshot)
        {
            ConfigSnapshot.Write(config, _snapshotPath);
        }

        Signal(Signals.SIGHUP);
    }

    /// <summary>Stops the dirty arbiter: TERM and up to <c>dirty_graceful_timeout</c> (plus a margin), or QUIT and 2 s; then KILL.</summary>
    public async Task StopAsync(bool graceful)
    {
        _stopped = true;
        Process? p = _process;
        if (p is null || HasExited(p))
        {
            return;
        }

        Signals.Send(p.Id, graceful ? Signals.SIGTERM : Signals.SIGQUIT);
        TimeSpan wait = graceful ? TimeSpan.FromSeconds(_config.Options.Dirty.GracefulTimeout + 3) : TimeSpan.FromSeconds(3);
        using var cts = new CancellationTokenSource(wait);
        try
        {
            await p.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            DirtyLog.ArbiterKilledAfterGrace(_log, p.Id);
            Signals.Send(p.Id, Signals.SIGKILL);
            await p.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The dirty pool as the dirty arbiter sees it (for <c>show dirty</c>): <c>pid</c>, <c>target</c>,
    /// <c>workers</c> (pid, age, apps, state, in_flight, last_heartbeat_ms, rss_bytes) and <c>apps</c>.
    /// Null when the dirty arbiter does not answer within <paramref name="timeout"/>.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, object?>?> StatusAsync(TimeSpan timeout)
    {
        using var client = new DirtyClient(SocketPath, timeout);
        try
        {
            return await client.StatusAsync().ConfigureAwait(false);
        }
        catch (DirtyException)
        {
            return null;
        }
    }

    /// <summary>Adds or removes dirty workers through a MANAGE message (for <c>dirty add|remove N</c>).</summary>
    public async Task<IReadOnlyDictionary<string, object?>?> ManageAsync(bool add, int count, TimeSpan timeout)
    {
        using var client = new DirtyClient(SocketPath, timeout);
        try
        {
            return await client.ManageAsync(add, count).ConfigureAwait(false);
        }
        catch (DirtyException)
        {
            return null;
        }
    }

    /// <summary>Stops the dirty arbiter if it runs and removes the private directory.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(graceful: false).ConfigureAwait(false);
        _process?.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static bool HasExited(Process p)
    {
        try
        {
            return p.HasExited;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    private static int SafeExitCode(Process p)
    {
        try
        {
            return p.ExitCode;
        }
        catch (InvalidOperationException)
        {
            return -1;
        }
    }
}
