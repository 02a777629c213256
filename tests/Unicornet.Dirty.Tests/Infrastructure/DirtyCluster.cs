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
    private readonly List<string> _marks = new();

    private DirtyCluster(DirtyArbiterSupervisor supervisor, string logPath, string procName)
    {
        Supervisor = supervisor;
        LogPath = logPath;
        ProcName = procName;
    }

    public DirtyArbiterSupervisor Supervisor { get; }

    public string LogPath { get; }

    public string ProcName { get; }

    public static async Task<DirtyCluster> StartAsync(int workers = 2, int threads = 4, int timeout = 30, string[]? apps = null, int expectReady = -1, string? procName = null, int graceful = 5, Unicornet.Config.Script.CompiledScript? script = null, string? ignoredSignals = null)
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
        var supervisor = new DirtyArbiterSupervisor(config, log)
        {
            StartInfoFactory = ignoredSignals is null ? HostStartInfo : () => IgnoringStartInfo(ignoredSignals),
        };
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

    /// <summary>
    /// Runs this assembly's Main through bash with <paramref name="signals"/> set to ignored, which exec keeps:
    /// what nohup (HUP) or a shell script's background job (INT, QUIT) hands its command.
    /// </summary>
    private static ProcessStartInfo IgnoringStartInfo(string signals)
    {
        ProcessStartInfo host = HostStartInfo();
        var psi = new ProcessStartInfo("bash") { UseShellExecute = false, WorkingDirectory = host.WorkingDirectory };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("trap '' " + signals + "; exec \"$0\" \"$@\"");
        psi.ArgumentList.Add(host.FileName);
        foreach (string a in host.ArgumentList)
        {
            psi.ArgumentList.Add(a);
        }

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
    public Task WaitReadyAsync(int count, int seconds = 60, params int[] gone) =>
        WaitStatusAsync(
            workers => workers.Count(w => (string?)w["state"] == "ready") == count && workers.All(w => (string?)w["state"] != "booting" && !gone.Contains((int)(long)w["pid"]!)),
            TimeSpan.FromSeconds(seconds),
            $"{count} ready dirty worker(s)");

    /// <summary>A path for one of EchoApp's Marked actions to create when it starts running; deleted on dispose.</summary>
    public string NewStartMark()
    {
        string path = Path.Combine(Path.GetTempPath(), $"{ProcName}-{Guid.NewGuid():N}.started");
        _marks.Add(path);
        return path;
    }

    /// <summary>Waits until the call given <paramref name="mark"/> runs in its dirty worker.</summary>
    public void WaitStarted(string mark) =>
        Eventually.Until(() => File.Exists(mark), TimeSpan.FromSeconds(30), "the call to start in its dirty worker", ReadLog);

    /// <summary>Waits until the arbiter's line for this log text shows up in the error log.</summary>
    public void WaitForLog(string text, TimeSpan? timeout = null) =>
        Eventually.Until(() => ReadLog().Contains(text, StringComparison.Ordinal), timeout ?? TimeSpan.FromSeconds(30), $"'{text}' in the dirty log", ReadLog);

    private Task WaitStatusAsync(Func<List<Dictionary<string, object?>>, bool> condition, TimeSpan timeout, string what) =>
        Eventually.UntilAsync(
            async () => await Supervisor.StatusAsync(TimeSpan.FromSeconds(5)) is { } s && condition(((List<object?>)s["workers"]!).Cast<Dictionary<string, object?>>().ToList()),
            timeout,
            what,
            ReadLog);

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

        // Named by pid and start time before the supervisor stops them: a pid freed meanwhile may be reused.
        List<ProcessIdentity> workers = new();
        try
        {
            workers.AddRange((await WorkersAsync()).Select(w => ProcessIdentity.Of((int)(long)w["pid"]!)).OfType<ProcessIdentity>());
        }
        catch (Exception e) when (e is InvalidOperationException or DirtyException)
        {
        }

        await Supervisor.DisposeAsync();
        ProcessTree.Kill(workers);

        _marks.ForEach(File.Delete);
    }
}
