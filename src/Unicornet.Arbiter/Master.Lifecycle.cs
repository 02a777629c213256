using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Unicornet.Config;
using Unicornet.Config.Hooks;
using Unicornet.Logging;
using Unicornet.Platform;
using Unicornet.Supervision.Hooks;
using Unicornet.Config.Snapshot;
using Unicornet.Supervision;

namespace Unicornet.Arbitration;

// Start-up, reload, upgrade and shutdown.
internal sealed partial class Master
{
    /// <summary>TERM (graceful) or INT/QUIT (quick): stop workers, then exit with <paramref name="exitCode"/>.</summary>
    private int Stop(bool graceful, int exitCode = 0)
    {
        StopControlServer();
        _stopping = true;
        Task? dirtyStop = _dirty?.StopAsync(graceful);
        SystemdNotify.Send("STOPPING=1");
        bool keepUnixSockets = _upgradeChild is { HasExited: false } || _upgradeParent is not null;
        foreach (Listener l in _listeners)
        {
            ListenerBinder.Close(l, unlink: !keepUnixSockets);
        }

        _listeners = [];
        int signal = graceful ? Signals.SIGTERM : Signals.SIGQUIT;
        foreach (WorkerHandle w in _workers.Where(w => !w.Exited).ToList())
        {
            w.SignalledAt = 0;
            Retire(w, signal);
        }

        long deadline = Environment.TickCount64 + (_config.Options.Worker.GracefulTimeout * 1000L);
        while (_workers.Count > 0 && Environment.TickCount64 < deadline)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
            try
            {
                _events.Reader.WaitToReadAsync(cts.Token).AsTask().GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
            }

            while (_events.Reader.TryRead(out MasterEvent e))
            {
                if (e.Kind == EventKind.WorkerExited)
                {
                    Reap(e.Worker!);
                }
                else if (e.Kind == EventKind.Signal && e.Signal is Signals.SIGINT or Signals.SIGQUIT && graceful)
                {
                    // A quick stop during a graceful one: QUIT the workers and shorten the wait.
                    graceful = false;
                    ForEachLive(w => Signals.Send(w.Pid, Signals.SIGQUIT));
                    deadline = Math.Min(deadline, Environment.TickCount64 + 2000);
                }
            }
        }

        foreach (WorkerHandle w in _workers.Where(w => !w.Exited).ToList())
        {
            _log.Warning("Killing worker (pid:{Pid}) after graceful_timeout", w.Pid);
            Signals.Send(w.Pid, Signals.SIGKILL);
        }

        long killDeadline = Environment.TickCount64 + 3000;
        while (_workers.Count > 0 && Environment.TickCount64 < killDeadline)
        {
            if (_events.Reader.TryRead(out MasterEvent e))
            {
                if (e.Kind == EventKind.WorkerExited)
                {
                    Reap(e.Worker!);
                }
            }
            else
            {
                Thread.Sleep(20);
            }
        }

        try
        {
            dirtyStop?.Wait(TimeSpan.FromSeconds(_config.Options.Dirty.GracefulTimeout + 5));
        }
        catch (AggregateException e)
        {
            _log.Warning("Stopping the dirty arbiter failed: {Error}", e.InnerException?.Message ?? e.Message);
        }

        return Halt(exitCode, null);
    }

    private int Halt(int exitCode, string? reason)
    {
        StopControlServer();
        if (reason is not null)
        {
            _log.Info("Shutting down: {Reason}", reason);
        }

        _log.Info("Shutting down: Master");
        _pidfile?.Unlink(_pid);
        _config.Hooks.Invoke(HookNames.OnExit, _view);
        foreach (Listener l in _listeners)
        {
            ListenerBinder.Close(l, unlink: _upgradeChild is null && _upgradeParent is null);
        }

        if (_runDir.Length > 0)
        {
            try
            {
                Directory.Delete(_runDir, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }

        foreach (PosixSignalRegistration r in _signals)
        {
            r.Dispose();
        }

        return exitCode;
    }

    /// <summary>
    /// HUP: re-resolve every config source; a bad script is logged and changes nothing. Otherwise the
    /// new generation of workers is started and the old one retired once the new one is ready.
    /// </summary>
    private void Reload()
    {
        // systemd wants CLOCK_MONOTONIC in µs; Stopwatch reads that clock on Linux (TickCount64 is the coarse one).
        SystemdNotify.Send("RELOADING=1\nMONOTONIC_USEC=" + (Stopwatch.GetTimestamp() / (Stopwatch.Frequency / 1_000_000)).ToString(CultureInfo.InvariantCulture));
        UnicornetConfig next;
        try
        {
            next = _reload();
        }
        catch (Exception e)
        {
            _log.Error("Reload failed, keeping the current configuration: {Error}", e.Message);
            SystemdNotify.Send("READY=1\nSTATUS=reload failed");
            return;
        }

        next.Hooks.UseLog(_log);
        List<Listener> listeners;
        try
        {
            listeners = ListenerBinder.Rebind(next, _listeners, _log);
        }
        catch (Exception e) when (e is ListenerException or System.Net.Sockets.SocketException)
        {
            _log.Error("Reload failed, keeping the current configuration: {Error}", e.Message);
            SystemdNotify.Send("READY=1\nSTATUS=reload failed");
            return;
        }

        _listeners = listeners;
        if (_log.Reconfigure(LogOptionsFor(next)))
        {
            _log.Info("Error log reconfigured: {ErrorLog} at level {Level}", next.Options.Logging.ErrorLog, next.Options.Logging.LogLevelName);
        }

        ApplyProcessSettings(next);
        _fallbackGeneration ??= _generation;
        _generation++;
        _config = next;
        _reloadCount++;
        WriteSnapshot(next, _generation);
        _dirty?.Reload(next);
        _reloading = true;
        next.Hooks.Invoke(HookNames.OnReload, _view);
        _pidfile?.Write(_pid);
        int old = _target;
        _target = next.Options.Worker.Workers;
        _log.Info("Reloading: generation {Generation}, {Workers} worker(s) of class {Class}", _generation, _target, next.Options.Worker.WorkerClassName);
        next.Hooks.Invoke(HookNames.NworkersChanged, _view, _target, old);
        WatchFilesInit();
    }

    /// <summary>USR2: start a new master from the original command line, handing it the listeners.</summary>
    private void Reexec()
    {
        if (_upgradeChild is { HasExited: false })
        {
            _log.Warning("USR2 signal ignored. Child exists.");
            return;
        }

        if (_upgradeParent is not null)
        {
            _log.Warning("USR2 signal ignored. Parent exists.");
            return;
        }

        _config.Hooks.Invoke(HookNames.PreExec, _view);
        var psi = new ProcessStartInfo { FileName = Environment.ProcessPath!, UseShellExecute = false, WorkingDirectory = _originalCwd };
        foreach (string arg in _argv.Skip(1))
        {
            psi.ArgumentList.Add(arg);
        }

        psi.Environment.Clear();
        foreach (KeyValuePair<string, string> kv in _originalEnv)
        {
            psi.Environment[kv.Key] = kv.Value;
        }

        psi.Environment[UpgradePidVariable] = _pid.ToString(CultureInfo.InvariantCulture);
        psi.Environment[UpgradeFdsVariable] = FdList();
        try
        {
            _upgradeChild = Process.Start(psi);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            _log.Error("Cannot start the new master: {Error}", e.Message);
            return;
        }

        if (_upgradeChild is not null)
        {
            _log.Info("Started new master (pid:{Pid}) for the binary upgrade", _upgradeChild.Id);
            Process child = _upgradeChild;
            _ = child.WaitForExitAsync().ContinueWith(_ => _events.Writer.TryWrite(new MasterEvent(EventKind.UpgradeChildExited)), TaskScheduler.Default);
        }
    }

    /// <summary>A USR2 child becomes the master once the old one is gone: drop the .2 suffixes.</summary>
    private void CheckPromotion()
    {
        if (_upgradeParent is null || ProcessInfo.ParentPid == _upgradeParent)
        {
            return;
        }

        _log.Info("Master has been promoted.");
        _upgradeParent = null;
        Environment.SetEnvironmentVariable(UpgradePidVariable, null);
        _originalEnv.Remove(UpgradePidVariable);
        if (_pidfile is not null && _config.Options.Arbiter.Pidfile is { } path)
        {
            _pidfile.Rename(path, _pid);
        }

        ProcessInfo.SetTitle("master [" + ProcName + "]");
        StartControlServer();
    }

    /// <summary>
    /// There is no fork() in .NET, so daemon mode re-executes this command detached: setsid(1) in a
    /// background shell job with stdio on /dev/null, and this process exits 0.
    /// </summary>
    private int Daemonize()
    {
        string setsid = File.Exists("/usr/bin/setsid") ? "/usr/bin/setsid" : File.Exists("/bin/setsid") ? "/bin/setsid" : "";
        var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = _originalCwd };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add((setsid.Length > 0 ? "exec " + setsid + " \"$@\"" : "exec \"$@\"") + " </dev/null >/dev/null 2>&1 &");
        psi.ArgumentList.Add("unicornet");
        psi.ArgumentList.Add(Environment.ProcessPath!);
        foreach (string arg in _argv.Skip(1))
        {
            psi.ArgumentList.Add(arg);
        }

        psi.Environment[DaemonizedVariable] = "1";
        using Process? sh = Process.Start(psi);
        sh?.WaitForExit(10_000);
        return sh?.ExitCode ?? 1;
    }

    private static void ApplyProcessSettings(UnicornetConfig config)
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

    private LogOptions LogOptionsFor(UnicornetConfig c) => LoggingSetup.Options(c, "master", _statsd);

    private void WriteSnapshot(UnicornetConfig config, int generation)
    {
        _generations[generation] = config;
        ConfigSnapshot.Write(config, SnapshotPath(generation));
    }

    private string SnapshotPath(int generation) => Path.Combine(_runDir, "config-" + generation.ToString(CultureInfo.InvariantCulture) + ".json");

    private string FdList() => string.Join(',', _listeners.Select(l => l.Fd.ToString(CultureInfo.InvariantCulture)));

    /// <summary>
    /// preload_app, as unicornet defines it: load and validate the app once before any worker starts,
    /// in a short-lived child (the master stays small and app-free), so a broken app fails once with
    /// its error instead of through a storm of worker boot failures.
    /// </summary>
    private bool PreloadCheck()
    {
        var worker = new WorkerHandle(0, _generation, new WorkerView(0, _pid, () => _config, _log, _config.Options.Worker.WorkerClassName), HeartbeatFile.Create(Path.Combine(_runDir, "hb-preload")));
        try
        {
            using Process p = WorkerSpawner.Start(worker, SnapshotPath(_generation), "", _pid, checkApp: "1");
            if (!p.WaitForExit(Math.Max(10, _config.Options.Arbiter.BootTimeout) * 1000))
            {
                p.Kill();
                _log.Error("preload_app: the app did not load within boot_timeout");
                return false;
            }

            if (p.ExitCode != 0)
            {
                _log.Error("preload_app: the app failed to load (exit code {Code})", p.ExitCode);
                return false;
            }

            _log.Info("preload_app: {App} loads", _config.AppModule ?? "");
            return true;
        }
        finally
        {
            worker.Heartbeat.Dispose();
        }
    }

    private void WatchFilesInit()
    {
        _watched.Clear();
        if (!_config.Options.Arbiter.Reload)
        {
            return;
        }

        foreach (string file in WatchedFiles())
        {
            _watched[file] = File.GetLastWriteTimeUtc(file);
        }

        _log.Info("Watching {Count} file(s) for changes (reload)", _watched.Count);
    }

    /// <summary>
    /// reload: polls the app assembly, its directory's DLLs and reload_extra_files every tick (all
    /// reload_engine values poll; a 1 s poll of a few files costs nothing). A change restarts the
    /// workers the way HUP does, without re-reading the config.
    /// </summary>
    private void CheckWatchedFiles()
    {
        if (_watched.Count == 0)
        {
            return;
        }

        foreach (KeyValuePair<string, DateTime> kv in _watched)
        {
            DateTime now = File.Exists(kv.Key) ? File.GetLastWriteTimeUtc(kv.Key) : DateTime.MinValue;
            if (now != kv.Value)
            {
                _log.Info("Worker reloading: {File} modified", kv.Key);
                _fallbackGeneration ??= _generation;
                _generation++;
                WriteSnapshot(_config, _generation);
                _reloading = true;
                WatchFilesInit();
                return;
            }
        }
    }

    private IEnumerable<string> WatchedFiles()
    {
        var files = new HashSet<string>(StringComparer.Ordinal);
        string? app = _config.AppModule;
        int colon = app?.LastIndexOf(':') ?? -1;
        if (colon > 0)
        {
            string part = app![..colon];
            string file = Path.GetFullPath(part.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? part : part + ".dll");
            if (File.Exists(file))
            {
                foreach (string dll in Directory.EnumerateFiles(Path.GetDirectoryName(file)!, "*.dll"))
                {
                    files.Add(dll);
                }
            }
        }

        foreach (string pattern in _config.Options.Arbiter.ReloadExtraFiles)
        {
            if (pattern.IndexOfAny(['*', '?', '[']) < 0)
            {
                files.Add(Path.GetFullPath(pattern));
                continue;
            }

            string full = Path.GetFullPath(pattern);
            string dir = Path.GetDirectoryName(full)!;
            bool recursive = dir.Contains("**", StringComparison.Ordinal);
            string root = recursive ? dir[..dir.IndexOf("**", StringComparison.Ordinal)] : dir;
            if (Directory.Exists(root))
            {
                foreach (string f in Directory.EnumerateFiles(root, Path.GetFileName(full), recursive ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly))
                {
                    files.Add(f);
                }
            }
        }

        return files;
    }

    private static string[] ReadOwnArgv()
    {
        try
        {
            string raw = File.ReadAllText("/proc/self/cmdline");
            return raw.TrimEnd('\0').Split('\0');
        }
        catch (IOException)
        {
            return Environment.GetCommandLineArgs();
        }
    }

    private static Dictionary<string, string> OriginalEnvironment()
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry kv in Environment.GetEnvironmentVariables())
        {
            env[(string)kv.Key] = kv.Value as string ?? "";
        }

        env.Remove(UpgradePidVariable);
        env.Remove(UpgradeFdsVariable);
        return env;
    }
}
