using System.Collections;
using System.Globalization;

namespace Unicornet.Control;

/// <summary>
/// Turns the dirty arbiter's STATUS and MANAGE answers (the decoded maps <c>DirtyArbiterSupervisor</c>
/// returns) into control replies, so the master's handler stays a one-liner. Missing or oddly typed
/// members read as zero/empty rather than failing the command.
/// </summary>
public static class DirtyStatusReader
{
    /// <summary>
    /// <c>show dirty</c> from a STATUS map: <c>pid</c>, <c>target</c>, <c>workers [{pid, age, apps,
    /// state, last_heartbeat_ms}]</c>, <c>apps [{app, workers_limit, ready_pids}]</c>.
    /// </summary>
    public static DirtyData FromStatus(IReadOnlyDictionary<string, object?> status)
    {
        List<DirtyWorkerInfo> workers = new();
        foreach (IReadOnlyDictionary<string, object?> w in Maps(status, "workers"))
        {
            double? heartbeat = w.TryGetValue("last_heartbeat_ms", out object? ms) && ms is not null ? Int(ms) / 1000.0 : null;
            workers.Add(new DirtyWorkerInfo(Int(w, "pid"), Int(w, "age"), Text(w, "state") == "ready", heartbeat, Strings(w, "apps")));
        }

        List<DirtyAppInfo> apps = new();
        foreach (IReadOnlyDictionary<string, object?> a in Maps(status, "apps"))
        {
            List<int> pids = new();
            if (a.TryGetValue("ready_pids", out object? list) && list is IEnumerable items and not string)
            {
                foreach (object? pid in items)
                {
                    pids.Add(Int(pid));
                }
            }

            int? limit = a.TryGetValue("workers_limit", out object? l) && l is not null ? Int(l) : null;
            apps.Add(new DirtyAppInfo(Text(a, "app") ?? string.Empty, limit, pids.Count, pids));
        }

        int? arbiterPid = status.TryGetValue("pid", out object? p) && p is not null ? Int(p) : null;
        return new DirtyData(true, arbiterPid, Int(status, "target"), workers, apps);
    }

    /// <summary>
    /// <c>dirty add|remove</c> from a MANAGE reply (<c>spawned</c> or <c>removed</c>, <c>reason</c>,
    /// <c>target</c>); <paramref name="totalWorkers"/> is the live count if known (else the target).
    /// A null reply means the dirty arbiter did not answer.
    /// </summary>
    public static DirtyScaleResult FromManage(bool add, int requested, IReadOnlyDictionary<string, object?>? reply, int? totalWorkers = null)
    {
        string operation = add ? "add" : "remove";
        if (reply is null)
        {
            return new DirtyScaleResult(false, operation, requested, 0, totalWorkers ?? 0, 0, "the dirty arbiter did not answer");
        }

        int changed = Int(reply, add ? "spawned" : "removed");
        int target = Int(reply, "target");
        string? reason = Text(reply, "reason") is { Length: > 0 } r ? r : null;
        return new DirtyScaleResult(changed > 0 || reason is null, operation, requested, changed, totalWorkers ?? target, target, reason);
    }

    private static IEnumerable<IReadOnlyDictionary<string, object?>> Maps(IReadOnlyDictionary<string, object?> map, string key)
    {
        if (map.TryGetValue(key, out object? value) && value is IEnumerable items and not string)
        {
            foreach (object? item in items)
            {
                if (item is IReadOnlyDictionary<string, object?> child)
                {
                    yield return child;
                }
            }
        }
    }

    private static List<string> Strings(IReadOnlyDictionary<string, object?> map, string key)
    {
        List<string> result = new();
        if (map.TryGetValue(key, out object? value) && value is IEnumerable items and not string)
        {
            foreach (object? item in items)
            {
                if (item is not null)
                {
                    result.Add(Convert.ToString(item, CultureInfo.InvariantCulture) ?? string.Empty);
                }
            }
        }

        return result;
    }

    private static string? Text(IReadOnlyDictionary<string, object?> map, string key) =>
        map.TryGetValue(key, out object? value) ? value as string : null;

    private static int Int(IReadOnlyDictionary<string, object?> map, string key) =>
        map.TryGetValue(key, out object? value) ? Int(value) : 0;

    private static int Int(object? value) => value switch
    {
        int i => i,
        long l => (int)Math.Clamp(l, int.MinValue, int.MaxValue),
        double d => (int)d,
        IConvertible c => c.ToInt32(CultureInfo.InvariantCulture),
        _ => 0,
    };
}
