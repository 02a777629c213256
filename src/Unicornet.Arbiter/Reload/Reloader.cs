using System.Diagnostics;
using System.Globalization;
using Unicornet.Config;
using Unicornet.Config.Hooks;
using Unicornet.Platform;

namespace Unicornet.Arbitration;

/// <summary>
/// HUP: re-resolve every config source and start a new generation of workers; the old one is retired
/// once the new one is ready (<see cref="WorkerPool.Manage"/>). Also the <c>reload</c> setting's file
/// watch, which starts a new generation with the same config.
/// </summary>
internal sealed class Reloader
{
    private readonly MasterContext _ctx;
    private readonly WorkerPool _pool;
    private readonly Func<UnicornetConfig> _resolve;
    private readonly FileWatch _watch = new();

    public Reloader(MasterContext ctx, WorkerPool pool, Func<UnicornetConfig> resolve)
    {
        _ctx = ctx;
        _pool = pool;
        _resolve = resolve;
    }

    public long Count { get; private set; }

    private ILog Log => _ctx.Log;

    /// <summary>A bad script or an unbindable address is logged and changes nothing.</summary>
    public void Reload()
    {
        // systemd wants CLOCK_MONOTONIC in µs; Stopwatch reads that clock on Linux (TickCount64 is the coarse one).
        SystemdNotify.Send("RELOADING=1\nMONOTONIC_USEC=" + (Stopwatch.GetTimestamp() / (Stopwatch.Frequency / 1_000_000)).ToString(CultureInfo.InvariantCulture));
        if (Resolve() is not { } next)
        {
            SystemdNotify.Send("READY=1\nSTATUS=reload failed");
            return;
        }

        if (_ctx.Log.Reconfigure(_ctx.LogOptionsFor(next)))
        {
            Log.ErrorLogReconfigured(next.Options.Logging.ErrorLog, next.Options.Logging.LogLevelName);
        }

        ApplyProcessSettings(next);
        _ctx.Generations.Advance(next);
        Count++;
        _ctx.Dirty?.Reload(next);
        next.Hooks.Invoke(HookNames.OnReload, _ctx.View);
        _ctx.PidFile?.Write(_ctx.Pid);
        int old = _pool.ResetTarget(next.Options.Worker.Workers);
        Log.Reloading(_ctx.Generations.Number, next.Options.Worker.Workers, next.Options.Worker.WorkerClassName);
        next.Hooks.Invoke(HookNames.NworkersChanged, _ctx.View, next.Options.Worker.Workers, old);
        WatchFiles();
    }

    /// <summary>Starts (or, after a reload, restarts) the watch the <c>reload</c> setting asks for.</summary>
    public void WatchFiles()
    {
        UnicornetConfig config = _ctx.Config;
        if (!config.Options.Arbiter.Reload)
        {
            _watch.Clear();
            return;
        }

        _watch.Reset(FileWatch.FilesOf(config));
        Log.WatchingFiles(_watch.Count);
    }

    /// <summary>
    /// reload: polls the app assembly, its directory's DLLs and reload_extra_files every tick (all
    /// reload_engine values poll; a 1 s poll of a few files costs nothing). A change restarts the
    /// workers the way HUP does, without re-reading the config.
    /// </summary>
    public void CheckWatchedFiles()
    {
        if (_watch.Changed() is not { } file)
        {
            return;
        }

        Log.WatchedFileModified(file);
        _ctx.Generations.Advance(_ctx.Config);
        WatchFiles();
    }

    /// <summary>chdir, umask and raw_env: what a configuration changes in the master's own process.</summary>
    public static void ApplyProcessSettings(UnicornetConfig config)
    {
        if (config.Options.Worker.Chdir is { } dir)
        {
            Directory.SetCurrentDirectory(dir);
        }

        ProcessInfo.SetUmask(config.Options.Worker.Umask);
        foreach ((string name, string value) in config.Options.Worker.Environment)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }

    /// <summary>The next configuration with its listeners bound, or null (logged) when it cannot be used.</summary>
    private UnicornetConfig? Resolve()
    {
        UnicornetConfig next;
        try
        {
            next = _resolve();
        }
        catch (Exception e)
        {
            Log.ReloadConfigFailed(ConfigException.Describe(e));
            return null;
        }

        next.Hooks.UseLog(_ctx.Log);
        try
        {
            _ctx.Listeners = ListenerBinder.Rebind(next, _ctx.Listeners, _ctx.Log);
        }
        catch (Exception e) when (e is ListenerException or System.Net.Sockets.SocketException)
        {
            Log.ReloadFailed(e.Message);
            return null;
        }

        return next;
    }
}
