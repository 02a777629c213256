using System.Collections.Concurrent;
using Unicornet.Control;

namespace Unicornet.Control.Tests;

/// <summary>An IControlHandler that records every call and answers with fixed data.</summary>
internal sealed class FakeHandler : IControlHandler
{
    public ConcurrentQueue<string> Calls { get; } = new();

    public int Target { get; set; } = 2;

    public Func<Exception>? Throw { get; set; }

    public TaskCompletionSource? Block { get; set; }

    public Action? OnShutdown { get; set; }

    public static WorkersData Workers { get; } = new([
        new WorkerInfo(4101, 1, true, false, 0.5, 17),
        new WorkerInfo(4102, 2, false, false, null, 0),
    ]);

    public string[] CallsArray() => Calls.ToArray();

    private async Task<T> Answer<T>(string call, T value)
    {
        Calls.Enqueue(call);
        if (Throw is { } factory)
        {
            throw factory();
        }

        if (Block is { } block)
        {
            await block.Task;
        }

        return value;
    }

    public Task<WorkersData> ShowWorkersAsync(CancellationToken cancellationToken) => Answer("show workers", Workers);

    public Task<StatsData> ShowStatsAsync(CancellationToken cancellationToken) =>
        Answer("show stats", new StatsData(12.5, 4100, 2, Target, 5, 3, 1, 17, [new WorkerRequests(4101, 17), new WorkerRequests(4102, 0)], 4200));

    public Task<ConfigData> ShowConfigAsync(CancellationToken cancellationToken) =>
        Answer("show config", new ConfigData([
            new ConfigEntry("workers", ConfigData.ToJson(2), "command line"),
            new ConfigEntry("bind", ConfigData.ToJson(new StringList(["127.0.0.1:8000", "unix:/tmp/a.sock"])), "file"),
            new ConfigEntry("pidfile", null, "default"),
        ]));

    public Task<ListenersData> ShowListenersAsync(CancellationToken cancellationToken) =>
        Answer("show listeners", new ListenersData([new ListenerInfo("127.0.0.1:8000", 3, "tcp"), new ListenerInfo("unix:/tmp/a.sock", 4, "unix")]));

    public Task<DirtyData> ShowDirtyAsync(CancellationToken cancellationToken) =>
        Answer("show dirty", new DirtyData(true, 4200, 1, [new DirtyWorkerInfo(4201, 1, true, 1.0, ["ml:Model"])], [new DirtyAppInfo("ml:Model", null, 1, [4201])]));

    public Task<WorkersAdded> AddWorkersAsync(int count, CancellationToken cancellationToken)
    {
        int previous = Target;
        Target += count;
        return Answer($"worker add {count}", new WorkersAdded(count, previous, Target));
    }

    public Task<WorkersRemoved> RemoveWorkersAsync(int count, CancellationToken cancellationToken)
    {
        WorkersRemoved result = WorkersRemoved.Clamp(Target, count);
        Target = result.Total;
        return Answer($"worker remove {count}", result);
    }

    public Task<WorkerKillResult> KillWorkerAsync(int pid, CancellationToken cancellationToken) =>
        Answer($"worker kill {pid}", pid == 4101 ? new WorkerKillResult(true, pid, null) : new WorkerKillResult(false, null, $"{pid} is not a worker"));

    public Task<DirtyScaleResult> AddDirtyWorkersAsync(int count, CancellationToken cancellationToken) =>
        Answer($"dirty add {count}", new DirtyScaleResult(true, "add", count, count, 1 + count, 1 + count, null));

    public Task<DirtyScaleResult> RemoveDirtyWorkersAsync(int count, CancellationToken cancellationToken) =>
        Answer($"dirty remove {count}", new DirtyScaleResult(true, "remove", count, 0, 1, 1, "already at the minimum"));

    public Task<ActionResult> ReloadAsync(CancellationToken cancellationToken) => Answer("reload", ActionResult.Reloading);

    public Task<ActionResult> ReopenAsync(CancellationToken cancellationToken) => Answer("reopen", ActionResult.Reopening);

    public Task<ActionResult> ShutdownAsync(ShutdownMode mode, CancellationToken cancellationToken)
    {
        OnShutdown?.Invoke();
        return Answer($"shutdown {mode}", ActionResult.ShuttingDown(mode));
    }
}
