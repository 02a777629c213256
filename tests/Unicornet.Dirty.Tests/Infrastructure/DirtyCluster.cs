using System.Diagnostics;
using Unicornet.Dirty.Client;
using Unicornet.Logging;

namespace Unicornet.Dirty.Tests.Infrastructure;

/// <summary>
/// A real dirty arbiter (and its dirty workers) started through <see cref="DirtyArbiterSupervisor"/>,
/// running this test assembly as the host executable. Disposing stops everything by pid.
/// </summary>
internal sealed class DirtyCluster : IAsyncDisposable
{
    private readonly List<DirtyClient> _clients = new();

    private DirtyCluster(DirtyArbiterSupervisor supervisor, string logPath, string procName)
    {
        Supervisor = supervisor;
        LogPath = logPath;
        ProcName = procName;
    }

    public DirtyArbiterSupervisor Supervisor { get; }

    public string LogPath { get; }

    public string ProcName { get; }

    public static async Task<DirtyCluster> StartAsync(int workers = 2, int threads = 4, int timeout = 30, string[]? apps = null, int expectReady = -1, string? procName = null, int graceful = 5, Unicornet.Config.Script.CompiledScript? script = null)
    {
        procName ??= "dt-" + Guid.NewGuid().ToString("N")[..8];
        string logPath = Path.Combine(Path.GetTempPath(), procName + ".log");
        var config = TestConfig.Create(new Dictionary<string, object?>
        {
            ["dirty_apps"] = apps ?? [TestConfig.EchoApp, TestConfig.LimitedApp],
            ["dirty_workers"] = workers,
            ["dirty_threads"] = threads,
            ["dirty_timeout"] = timeout,
            ["dirty_graceful_timeout"] = graceful,
            ["errorlog"] = logPath,
            ["loglevel"] = "debug",
            ["proc_name"] = procName,
        }, script);
        var log = new UnicornetLog(new LogOptions(logPath, "info", Role: "test-master"));
        var supervisor = new DirtyArbiterSupervisor(config, log) { StartInfoFactory = HostStartInfo };
        var cluster = new DirtyCluster(supervisor, logPath, procName);
        supervisor.Start();
        await cluster.WaitReadyAsync(expectReady < 0 ? workers : expectReady);
        return cluster;
    }

    /// <summary>Runs this test assembly's Main (which dispatches on UNICORNET_ROLE).</summary>
    public static ProcessStartInfo HostStartInfo()
    {
        string dll = typeof(Program).Assembly.Location;
        string dotnet = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
        var psi = new ProcessStartInfo(dotnet) { UseShellExecute = false, WorkingDirectory = Path.GetDirectoryName(dll)! };
        psi.ArgumentList.Add("exec");
        psi.ArgumentList.Add(dll);
        return psi;
    }

    public DirtyClient NewClient(TimeSpan? timeout = null)
    {
        var c = new DirtyClient(Supervisor.SocketPath, timeout ?? TimeSpan.FromSeconds(30));
        _clients.Add(c);
        return c;
    }

    public async Task<IReadOnlyDictionary<string, object?>> StatusAsync()
    {
        IReadOnlyDictionary<string, object?>? s = await Supervisor.StatusAsync(TimeSpan.FromSeconds(10));
        return s ?? throw new InvalidOperationException("the dirty arbiter did not answer STATUS; log:\n" + ReadLog());
    }

    public async Task<List<Dictionary<string, object?>>> WorkersAsync() =>
        ((List<object?>)(await StatusAsync())["workers"]!).Cast<Dictionary<string, object?>>().ToList();

    /// <summary>Waits until <paramref name="count"/> dirty workers are ready (and no more are booting).</summary>
    public async Task WaitReadyAsync(int count, int seconds = 60, params int[] gone)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < until)
        {
            IReadOnlyDictionary<string, object?>? s = await Supervisor.StatusAsync(TimeSpan.FromSeconds(5));
            if (s is not null)
            {
                var workers = ((List<object?>)s["workers"]!).Cast<Dictionary<string, object?>>().ToList();
                if (workers.Count(w => (string?)w["state"] == "ready") == count && workers.All(w => (string?)w["state"] != "booting" && !gone.Contains((int)(long)w["pid"]!)))
                {
                    return;
                }
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"dirty workers not ready in {seconds}s; log:\n" + ReadLog());
    }

    public string ReadLog()
    {
        try
        {
            using var fs = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(fs);
            string text = reader.ReadToEnd();
            return text.Length > 6000 ? text[^6000..] : text;
        }
        catch (IOException)
        {
            return "(no log)";
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (DirtyClient c in _clients)
        {
            c.Dispose();
        }

        List<int> pids = new();
        try
        {
            pids.AddRange((await WorkersAsync()).Select(w => (int)(long)w["pid"]!));
        }
        catch (Exception e) when (e is InvalidOperationException or DirtyException)
        {
        }

        await Supervisor.DisposeAsync();
        foreach (int pid in pids)
        {
            ProcessKill.Kill(pid);
        }
    }
}
