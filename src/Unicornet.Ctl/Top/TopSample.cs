using System.Text.Json;
using Unicornet.Control.Client;
using Unicornet.Control.Protocol;

namespace Unicornet.Ctl.Top;

/// <summary>One worker as <c>top</c> shows it, with rates worked out against the previous sample.</summary>
internal sealed record TopWorker(int Pid, double Uptime, string State, long Requests, double? RequestsPerSecond, int InFlight, long? Rss, double? CpuSeconds, double? CpuPercent);

/// <summary>One dirty worker as <c>top</c> shows it.</summary>
internal sealed record TopDirtyWorker(int Pid, int Age, bool Booted, double? LastHeartbeat, string Apps);

/// <summary>
/// What one refresh of <c>unicornetc top</c> shows, read through the control socket (<c>show stats</c>,
/// <c>show workers</c>, <c>show dirty</c>). Rates need two samples: <see cref="Against"/> works them out.
/// </summary>
internal sealed record TopSample(
    long TakenAt,
    int MasterPid,
    double Uptime,
    string State,
    int WorkersTarget,
    long RequestsServed,
    IReadOnlyList<TopWorker> Workers,
    int? DirtyArbiterPid,
    IReadOnlyList<TopDirtyWorker> DirtyWorkers,
    double? RequestsPerSecond)
{
    /// <summary>Reads a sample (rates unknown) from the master <paramref name="client"/> is connected to.</summary>
    public static async Task<TopSample> ReadAsync(ControlClient client, CancellationToken cancellationToken)
    {
        JsonElement stats = await DataAsync(client, "show stats", cancellationToken).ConfigureAwait(false);
        JsonElement workers = await DataAsync(client, "show workers", cancellationToken).ConfigureAwait(false);
        JsonElement dirty = await DataAsync(client, "show dirty", cancellationToken).ConfigureAwait(false);
        long now = Environment.TickCount64;

        var list = new List<TopWorker>();
        foreach (JsonElement w in workers.GetProperty("workers").EnumerateArray())
        {
            list.Add(new TopWorker(
                w.GetProperty("pid").GetInt32(),
                Number(w, "uptime") ?? 0,
                Text(w, "state") ?? (w.GetProperty("booted").GetBoolean() ? "ready" : "booting"),
                w.GetProperty("requests").GetInt64(),
                null,
                (int)(Number(w, "in_flight") ?? 0),
                Number(w, "rss") is double rss ? (long)rss : null,
                Number(w, "cpu_seconds"),
                null));
        }

        var dirtyWorkers = new List<TopDirtyWorker>();
        if (dirty.TryGetProperty("workers", out JsonElement dw) && dw.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement d in dw.EnumerateArray())
            {
                string apps = d.TryGetProperty("apps", out JsonElement a) && a.ValueKind == JsonValueKind.Array
                    ? string.Join(", ", a.EnumerateArray().Select(x => x.GetString()))
                    : "";
                dirtyWorkers.Add(new TopDirtyWorker(d.GetProperty("pid").GetInt32(), d.GetProperty("age").GetInt32(), d.GetProperty("booted").GetBoolean(), Number(d, "last_heartbeat"), apps));
            }
        }

        return new TopSample(
            now,
            stats.GetProperty("pid").GetInt32(),
            Number(stats, "uptime") ?? 0,
            Text(stats, "state") ?? "running",
            stats.GetProperty("workers_target").GetInt32(),
            stats.GetProperty("requests_served").GetInt64(),
            list,
            dirty.TryGetProperty("pid", out JsonElement dp) && dp.ValueKind == JsonValueKind.Number ? dp.GetInt32() : null,
            dirtyWorkers,
            null);
    }

    /// <summary>This sample with requests per second and CPU % worked out since <paramref name="previous"/>.</summary>
    /// <remarks>CPU % is of one core, as top's is.</remarks>
    public TopSample Against(TopSample? previous)
    {
        double seconds = previous is null ? 0 : (TakenAt - previous.TakenAt) / 1000.0;
        if (previous is null || seconds <= 0)
        {
            return this;
        }

        var before = previous.Workers.ToDictionary(w => w.Pid);
        TopWorker[] workers = Workers.Select(w =>
        {
            if (!before.TryGetValue(w.Pid, out TopWorker? old))
            {
                return w;
            }

            double? cpu = w.CpuSeconds is double now && old.CpuSeconds is double then ? Math.Max(0, (now - then) / seconds * 100) : null;
            return w with { RequestsPerSecond = Math.Max(0, (w.Requests - old.Requests) / seconds), CpuPercent = cpu };
        }).ToArray();
        return this with
        {
            Workers = workers,
            RequestsPerSecond = Math.Max(0, (RequestsServed - previous.RequestsServed) / seconds),
        };
    }

    private static async Task<JsonElement> DataAsync(ControlClient client, string command, CancellationToken cancellationToken)
    {
        ControlResponse response = await client.SendAsync(command, null, cancellationToken).ConfigureAwait(false);
        if (!response.IsOk || response.Data is not { } data)
        {
            throw new InvalidOperationException($"'{command}' failed: {response.Error}");
        }

        return data;
    }

    private static double? Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
