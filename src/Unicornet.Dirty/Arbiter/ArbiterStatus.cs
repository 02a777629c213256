using Unicornet.Dirty.Apps;
using Unicornet.Dirty.Protocol;
using Unicornet.Platform;

namespace Unicornet.Dirty.Arbiter;

/// <summary>The answer to STATUS: the arbiter, each worker's state and load, and which workers hold each app.</summary>
internal sealed class ArbiterStatus
{
    private readonly WorkerPool _pool;
    private readonly RouteTable _table;
    private readonly StashStore _stash;
    private readonly string _clientSocketPath;

    public ArbiterStatus(WorkerPool pool, RouteTable table, StashStore stash, string clientSocketPath)
    {
        _pool = pool;
        _table = table;
        _stash = stash;
        _clientSocketPath = clientSocketPath;
    }

    public FrameBuilder Build(ulong requestId)
    {
        (WorkerHandle[] workers, int target) = _pool.Snapshot();
        var f = new FrameBuilder(MessageType.Response, requestId, 1024);
        f.WriteMapHeader(7);
        f.WriteString("pid");
        f.WriteInt64(ProcessInfo.Pid);
        f.WriteString("socket");
        f.WriteString(_clientSocketPath);
        f.WriteString("target");
        f.WriteInt64(target);
        f.WriteString("stash_tables");
        f.WriteInt64(_stash.TableCount);
        f.WriteString("stash_keys");
        f.WriteInt64(_stash.KeyCount);
        f.WriteString("workers");
        f.WriteListHeader(workers.Length);
        foreach (WorkerHandle w in workers)
        {
            WriteWorker(f, w);
        }

        f.WriteString("apps");
        f.WriteListHeader(_table.Slots.Count);
        foreach (RouteTable.AppSlot s in _table.Slots)
        {
            f.WriteMapHeader(3);
            f.WriteString("app");
            f.WriteString(s.Spec.Id);
            f.WriteString("workers_limit");
            f.WriteValue(s.Limit);
            f.WriteString("ready_pids");
            WorkerHandle[] ready = Volatile.Read(ref s.Ready);
            f.WriteListHeader(ready.Length);
            foreach (WorkerHandle w in ready)
            {
                f.WriteInt64(w.Pid);
            }
        }

        return f;
    }

    private static void WriteWorker(FrameBuilder f, WorkerHandle w)
    {
        f.WriteMapHeader(7);
        f.WriteString("pid");
        f.WriteInt64(w.Pid);
        f.WriteString("age");
        f.WriteInt64(w.Age);
        f.WriteString("apps");
        f.WriteListHeader(w.Apps.Count);
        foreach (DirtyAppSpec a in w.Apps)
        {
            f.WriteString(a.Id);
        }

        f.WriteString("state");
        f.WriteString(w.Retiring ? "stopping" : w.Ready && w.Connection is null ? "lost" : w.Ready ? "ready" : "booting");
        f.WriteString("in_flight");
        f.WriteInt64(w.InFlight + w.DirectInFlight);
        f.WriteString("last_heartbeat_ms");
        f.WriteInt64((long)w.Silence.TotalMilliseconds);
        f.WriteString("rss_bytes");
        f.WriteValue(ProcessInfo.ResidentBytes(w.Pid));
    }
}
