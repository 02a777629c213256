using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Http;
using Unicornet.Config;
using Unicornet.Config.Hooks;
using Unicornet.Config.Options;
using Unicornet.Config.Script;
using Unicornet.Hosting.AppLoading;
using Unicornet.Http.Serving;
using Unicornet.Logging;
using Unicornet.Platform;
using Unicornet.Workers.Classes;
using Unicornet.Workers.Model;
using Unicornet.Config.Snapshot;
using Unicornet.Workers.Supervision;

namespace Unicornet.Workers;

/// <summary>
/// One HTTP worker process, in gunicorn's order: post_fork, drop privileges, load the app,
/// post_worker_init, serve; worker_exit when the loop ends. Exit 3 = boot error, 4 = app load error.
/// </summary>
internal sealed class WorkerProcess
{
    private readonly CancellationTokenSource _graceful = new();
    private readonly CancellationTokenSource _immediate = new();
    private readonly List<PosixSignalRegistration> _signals = [];
    private WorkerServingEvents? _events;
    private bool _syncClass;
    private int _masterPid;

    private WorkerProcess(UnicornetConfig config, UnicornetLog log, HeartbeatFile heartbeat, int age, int masterPid)
    {
        Config = config;
        Log = log;
        Heartbeat = heartbeat;
        _masterPid = masterPid;
        Hooks = config.Hooks;
        View = new WorkerView(age, masterPid, () => Config, log, config.Options.Worker.WorkerClassName, Beat) { ProcessId = ProcessInfo.Pid };
        Server = new ArbiterView(masterPid, () => Config, log, () => Config.Options.Worker.Workers, () => [], config.AppModule, config.Options.Arbiter.ProcName);
    }

    public UnicornetConfig Config { get; private set; }

    public UnicornetLog Log { get; }

    public HeartbeatFile Heartbeat { get; }

    public HookSet Hooks { get; private set; }

    public WorkerView View { get; }

    public ArbiterView Server { get; private set; }

    public static int Run()
    {
        string? snapshot = Environment.GetEnvironmentVariable(WorkerEnvironment.Config);
        if (snapshot is null)
        {
            Console.Error.WriteLine("unicornet worker: " + WorkerEnvironment.Config + " is not set; workers are started by the master");
            return WorkerEnvironment.BootErrorExitCode;
        }

        UnicornetConfig config;
        try
        {
            config = ConfigSnapshot.Read(snapshot);
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"unicornet worker: cannot read the config snapshot {snapshot}: {e.Message}");
            return WorkerEnvironment.BootErrorExitCode;
        }

        Unicornet.Logging.Metrics.StatsdClient? statsd = LoggingSetup.Statsd(config);
        var log = new UnicornetLog(LoggingSetup.Options(config, "worker", statsd));
        if (Environment.GetEnvironmentVariable(WorkerEnvironment.CheckApp) == "1")
        {
            return CheckApp(config, log);
        }

        int age = int.TryParse(Environment.GetEnvironmentVariable(WorkerEnvironment.Age), NumberStyles.None, CultureInfo.InvariantCulture, out int a) ? a : 0;
        int masterPid = int.TryParse(Environment.GetEnvironmentVariable(WorkerEnvironment.MasterPid), NumberStyles.None, CultureInfo.InvariantCulture, out int m) ? m : ProcessInfo.ParentPid;
        string? hbPath = Environment.GetEnvironmentVariable(WorkerEnvironment.Heartbeat);
        HeartbeatFile heartbeat;
        try
        {
            heartbeat = hbPath is null ? HeartbeatFile.Create(Path.Combine(Path.GetTempPath(), $"unicornet-hb-{ProcessInfo.Pid}")) : HeartbeatFile.Open(hbPath);
        }
        catch (Exception e)
        {
            log.Exception(e, "Cannot open the heartbeat file {Path}", hbPath ?? "");
            return WorkerEnvironment.BootErrorExitCode;
        }

        var worker = new WorkerProcess(config, log, heartbeat, age, masterPid);
        try
        {
            return worker.RunAsync().GetAwaiter().GetResult();
        }
        finally
        {
            log.Dispose();
        }
    }

    public void Beat()
    {
        long now = Environment.TickCount64;
        Heartbeat.BeatAt(_syncClass && _events is not null ? _events.InFlight.OldestStart(now) : now);
    }

    /// <summary>
    /// The async class runs each socket's continuations on the thread that polled the socket (as a gevent worker runs
    /// everything on its loop) instead of handing every read to a thread-pool thread: measured, that hop cost two
    /// context switches and a spinning pool thread per keep-alive request. The app's contract for this class is
    /// already "never block". Set before the first asynchronous socket operation of the process, which is when
    /// .NET reads it; a value the operator set is kept.
    /// </summary>
    private static void InlineSocketCompletions(string? workerClass)
    {
        if (workerClass == "async" && Environment.GetEnvironmentVariable(ChildRuntime.InlineSocketCompletionsVariable) is null)
        {
            Environment.SetEnvironmentVariable(ChildRuntime.InlineSocketCompletionsVariable, "1");
        }
    }

    public void RequestGracefulStop()
    {
        View.Stopping = true;
        Heartbeat.Phase = WorkerPhase.Stopping;
        _graceful.Cancel();
    }

    private async Task<int> RunAsync()
    {
        Heartbeat.Beat();
        InlineSocketCompletions(Config.Options.Worker.WorkerClassName);
        ProcessInfo.SetTitle("worker [" + Config.Options.Arbiter.ProcName + "]");

        // A hung worker's stacks are read by a helper the master starts, not by the master itself.
        ProcessInfo.AllowTracingBy(_masterPid);
        IReadOnlyList<Socket> listeners = WrapListeners(Environment.GetEnvironmentVariable(WorkerEnvironment.Fds));
        InstallSignals();
        StartWatchdog();

        try
        {
            BindHooks();
            Hooks.Invoke(HookNames.PostFork, Server, View);
            DropPrivileges();
        }
        catch (Exception e)
        {
            if (e is not (HookFailedException or PrivilegeSwitchException))
            {
                Log.Exception(e, "Exception in worker process");
            }

            Log.Error("Worker failed to boot: {Error}", e.Message);
            return WorkerEnvironment.BootErrorExitCode;
        }

        HttpServingOptions options;
        try
        {
            options = ServingOptions.From(Config) with { Tls = Config.Options.Worker.WorkerClass == WorkerClassKind.Kestrel ? null : TlsOptions.From(Config, Hooks, Log) };
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Log.Exception(e, "Worker failed to boot: cannot set up TLS: {Error}", e.Message);
            return WorkerEnvironment.BootErrorExitCode;
        }

        _syncClass = options.WorkerClass == "sync";
        long limit = Config.Options.Worker.MaxRequests > 0 ? Config.Options.Worker.MaxRequests + (Config.Options.Worker.MaxRequestsJitter > 0 ? Random.Shared.Next(0, Config.Options.Worker.MaxRequestsJitter + 1) : 0) : 0;
        _events = new WorkerServingEvents(this, limit, RequestLog.Create(Config, Log), Log.Options.Statsd, trackInFlight: _syncClass, logAppErrors: options.WorkerClass != "kestrel");

        // kestrel loads the app itself so a whole ASP.NET Core app keeps its own Kestrel; the engine
        // classes get a request delegate (a captured host is bridged into it).
        LoadedApp? app;
        IWorkerClass serving;
        if (options.WorkerClass == "kestrel")
        {
            KestrelWorkerClass? kestrel = KestrelWorkerClass.Load(Config, Log, _events);
            app = kestrel?.App;
            serving = kestrel!;
        }
        else
        {
            app = LoadApp(Config, Log);
            serving = new EngineWorkerClass(options);
        }

        if (app is null)
        {
            return WorkerEnvironment.AppLoadErrorExitCode;
        }

        try
        {
            Hooks.Invoke(HookNames.PostWorkerInit, View);
        }
        catch (HookFailedException e)
        {
            Log.Error("Worker failed to boot: {Error}", e.Message);
            return WorkerEnvironment.BootErrorExitCode;
        }

        View.IsBooted = true;
        Heartbeat.Phase = WorkerPhase.Ready;
        Beat();
        double readyMs = (DateTime.Now - System.Diagnostics.Process.GetCurrentProcess().StartTime).TotalMilliseconds;
        Log.Info("Booting worker with pid: {Pid} (ready {ReadyMs:F0} ms after exec)", ProcessInfo.Pid, readyMs);
        // Start-up cost and private memory are mostly JIT work: this line shows whether the ReadyToRun
        // layout is in use (a few hundred methods) or not (thousands).
        Log.Debug("Worker start-up JIT: {Methods} methods, {JitMs:F0} ms",
            System.Runtime.JitInfo.GetCompiledMethodCount(), System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds);
        try
        {
            await serving.RunAsync(app.Handler, listeners, _events, _graceful.Token, _immediate.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        catch (AppLoadException e)
        {
            // kestrel: a startup failure after the lifetime gate opened surfaces here.
            Log.Exception(e, "Failed to load the application {App}: {Error}", Config.AppModule ?? "", e.Message);
            return WorkerEnvironment.AppLoadErrorExitCode;
        }
        catch (Exception e)
        {
            Log.Exception(e, "Worker serving loop failed");
        }

        Heartbeat.Phase = WorkerPhase.Stopping;
        Hooks.Invoke(HookNames.WorkerExit, Server, View);
        if (app.Dispose is not null)
        {
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await app.Dispose().WaitAsync(cts.Token).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                Log.Debug("App shutdown failed: {Error}", e.Message);
            }
        }

        foreach (Socket l in listeners)
        {
            l.Dispose();
        }

        Log.Info("Worker exiting (pid: {Pid})", ProcessInfo.Pid);
        return 0;
    }

    /// <summary>Loads the app with the hosting loader; null after logging when it cannot.</summary>
    internal static LoadedApp? LoadApp(UnicornetConfig config, ILog log)
    {
        string? appModule = config.AppModule;
        if (string.IsNullOrEmpty(appModule))
        {
            log.Error("No application module specified.");
            return null;
        }

        string? chdir = config.Options.Worker.Chdir;
        IReadOnlyList<string> searchPath = config.Options.Worker.PythonPath;
        try
        {
            return AppLoader.Load(appModule, chdir, searchPath);
        }
        catch (Exception e)
        {
            AppLoadFailure.Log(log, appModule, e);
            return null;
        }
    }

    private static int CheckApp(UnicornetConfig config, UnicornetLog log)
    {
        try
        {
            LoadedApp? app = LoadApp(config, log);
            if (app?.Dispose is not null)
            {
                app.Dispose().Wait(TimeSpan.FromSeconds(5));
            }

            return app is null ? WorkerEnvironment.AppLoadErrorExitCode : 0;
        }
        finally
        {
            log.Dispose();
        }
    }

    private void BindHooks()
    {
        Config = ConfigSnapshot.BindHooks(Config, Log);
        Hooks = Config.Hooks;
    }

    private void DropPrivileges()
    {
        string? user = Config.Options.Worker.User;
        string? group = Config.Options.Worker.Group;
        if (user is null && group is null)
        {
            return;
        }

        uint? uid = user is null ? null : Privileges.ResolveUser(user);
        uint? gid = group is not null ? Privileges.ResolveGroup(group) : user is null ? null : Privileges.PrimaryGroupOf(user);
        if (uid == ProcessInfo.EffectiveUid && group is null)
        {
            return;
        }

        try
        {
            Privileges.Switch(uid, gid, Config.Options.Worker.InitGroups && user is not null ? user : null);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            // The usual cause is a master that is not root: say so instead of printing a stack.
            throw new PrivilegeSwitchException($"cannot run as user {user ?? "(unchanged)"} group {group ?? "(primary)"}: {e.Message}: {e.NativeErrorCode switch { 1 => "EPERM, only root can switch users", _ => "errno " + e.NativeErrorCode }}");
        }
    }

    private static IReadOnlyList<Socket> WrapListeners(string? fds)
    {
        var list = new List<Socket>();
        if (string.IsNullOrEmpty(fds))
        {
            return list;
        }

        foreach (string part in fds.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            int fd = int.Parse(part, CultureInfo.InvariantCulture);
            FileDescriptors.SetCloseOnExec(fd, true);
            list.Add(new Socket(new SafeSocketHandle(fd, ownsHandle: true)));
        }

        return list;
    }

    private void InstallSignals()
    {
        Register(PosixSignal.SIGTERM, _ => RequestGracefulStop());
        Register(PosixSignal.SIGINT, _ => QuickExit());
        Register(PosixSignal.SIGQUIT, _ => QuickExit());
        Register((PosixSignal)Signals.SIGUSR1, _ =>
        {
            Log.Info("Worker reopening logs (pid: {Pid})", ProcessInfo.Pid);
            Log.Reopen();
            _events?.RequestLog?.Reopen();
        });
        Register((PosixSignal)Signals.SIGABRT, _ =>
        {
            View.IsAborted = true;
            Hooks.Invoke(HookNames.WorkerAbort, View);
            Log.Info("Worker aborted (pid: {Pid})", ProcessInfo.Pid);
            Log.Dispose();
            Environment.Exit(1);
        });

        // A HUP or USR2 aimed at the process group must not kill workers; WINCH and TTIN/TTOU mean nothing here.
        foreach (PosixSignal ignored in new[] { PosixSignal.SIGHUP, (PosixSignal)Signals.SIGUSR2, (PosixSignal)Signals.SIGWINCH, (PosixSignal)Signals.SIGTTIN, (PosixSignal)Signals.SIGTTOU })
        {
            Register(ignored, static _ => { });
        }
    }

    private void Register(PosixSignal signal, Action<PosixSignalContext> action)
    {
        try
        {
            _signals.Add(PosixSignalRegistration.Create(signal, ctx =>
            {
                ctx.Cancel = true;
                action(ctx);
            }));
        }
        catch (Exception e) when (e is IOException or PlatformNotSupportedException or UnauthorizedAccessException)
        {
            Log.Debug("cannot handle signal {Signal}: {Error}", (int)signal, e.Message);
        }
    }

    private void QuickExit()
    {
        if (_immediate.IsCancellationRequested)
        {
            return;
        }

        Hooks.Invoke(HookNames.WorkerInt, View);
        View.Stopping = true;
        _graceful.Cancel();
        _immediate.Cancel();

        // If the app ignores cancellation the worker still leaves promptly.
        var t = new Thread(() =>
        {
            Thread.Sleep(2000);
            Environment.Exit(0);
        })
        { IsBackground = true, Name = "unicornet-quick-exit" };
        t.Start();
    }

    /// <summary>
    /// A dedicated thread (not the thread pool, which a busy app may starve) that stamps the
    /// heartbeat and notices the master's death: the stdin pipe whose only writer is the master
    /// reaches EOF, or the parent pid changes.
    /// </summary>
    private void StartWatchdog()
    {
        int intervalMs = Config.Options.Worker.Timeout > 0 ? Math.Clamp(Config.Options.Worker.Timeout * 1000 / 4, 100, 1000) : 1000;
        var beat = new Thread(() =>
        {
            while (true)
            {
                Beat();
                if (ProcessInfo.ParentPid != _masterPid)
                {
                    MasterGone();
                }

                Thread.Sleep(intervalMs);
            }
        })
        { IsBackground = true, Name = "unicornet-heartbeat" };
        beat.Start();

        if (Console.IsInputRedirected)
        {
            var stdin = new Thread(() =>
            {
                try
                {
                    using Stream input = Console.OpenStandardInput();
                    byte[] buffer = new byte[64];
                    while (input.Read(buffer, 0, buffer.Length) > 0)
                    {
                    }
                }
                catch (IOException)
                {
                }

                MasterGone();
            })
            { IsBackground = true, Name = "unicornet-parent-watch" };
            stdin.Start();
        }
    }

    private void MasterGone()
    {
        if (Interlocked.Exchange(ref _masterPid, -1) == -1)
        {
            return;
        }

        Log.Info("Parent changed, shutting down: {Pid}", ProcessInfo.Pid);
        _graceful.Cancel();
        _immediate.Cancel();
        Thread.Sleep(1000);
        Environment.Exit(0);
    }
}

/// <summary>The worker could not take on <c>user</c>/<c>group</c>; its message is the whole story.</summary>
internal sealed class PrivilegeSwitchException(string message) : Exception(message);
