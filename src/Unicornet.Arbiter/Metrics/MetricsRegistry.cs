using Unicornet.Supervision;
using Unicornet.Supervision.Metrics;

namespace Unicornet.Arbitration;

/// <summary>
/// The workers' metrics files and what gone workers left behind. The main loop attaches a worker before it
/// starts and detaches it when it is reaped, folding its last figures (the file outlives the process, even a
/// kill -9) into retained totals, so counters never go backwards. Scrapes run on the metrics listener's
/// threads; the lock they share with the main loop guards only memory copies (no I/O, no socket), so the
/// loop never waits on a scraper.
/// </summary>
internal sealed class MetricsRegistry
{
    private readonly object _gate = new();
    private readonly List<Entry> _live = [];
    private readonly RequestTotals _retainedRequests = new();
    private readonly MeterTotals _retainedMeters = new();
    private readonly long[] _restarts = new long[RestartReasons.Length];
    private long _retiredServed;

    /// <summary>Every restart reason, in the order the metrics list them.</summary>
    public static RestartReason[] RestartReasons { get; } = [RestartReason.Timeout, RestartReason.Memory, RestartReason.MaxRequests, RestartReason.Crash, RestartReason.Reload];

    /// <summary>How many reloads the master did; set once the reloader exists.</summary>
    public Func<long> Reloads { get; set; } = () => 0;

    /// <summary>Creates the worker's metrics file next to its heartbeat file; on the main loop, before the worker starts.</summary>
    public void Attach(WorkerHandle w)
    {
        WorkerMetricsFile file = WorkerMetricsFile.Create(WorkerMetricsFile.PathFor(w.Heartbeat.Path));
        lock (_gate)
        {
            _live.Add(new Entry(w, file));
        }
    }

    /// <summary>What the worker said about its exit before it left (max_requests).</summary>
    public WorkerExitReason ExitReasonOf(WorkerHandle w)
    {
        lock (_gate)
        {
            return _live.Find(e => e.Worker == w)?.File.ExitReason ?? WorkerExitReason.None;
        }
    }

    /// <summary>Folds a reaped (or never started) worker's figures into the totals, counts its restart, and deletes its file.</summary>
    public void Detach(WorkerHandle w, RestartReason? restart)
    {
        Entry? entry;
        lock (_gate)
        {
            entry = _live.Find(e => e.Worker == w);
            if (entry is null)
            {
                return;
            }

            _live.Remove(entry);
            _retainedRequests.AddFrom(entry.File);
            _retiredServed += w.Heartbeat.Requests;
            if (restart is { } r)
            {
                _restarts[(int)r]++;
            }
        }

        // Decoding happens outside the lock; only this (main-loop) thread touches the entry now.
        byte[]? last = entry.File.ReadMeters() ?? entry.LastMeters;
        if (last is not null)
        {
            var folded = new MeterTotals();
            foreach (MeterInstrument i in MeterBlock.Decode(last))
            {
                folded.Add(i, w.Pid, monotonicOnly: true);
            }

            lock (_gate)
            {
                _retainedMeters.AddAll(folded);
            }
        }

        string path = entry.File.Path;
        entry.File.Dispose();
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>At least one worker reports ready.</summary>
    public bool AnyReady()
    {
        lock (_gate)
        {
            return _live.Any(e => !e.Worker.Exited && e.Worker.Heartbeat.Phase == WorkerPhase.Ready && e.Worker.SignalledAt == 0);
        }
    }

    /// <summary>Copies everything a scrape shows (on a listener thread).</summary>
    public MetricsScrape Collect()
    {
        var workers = new List<WorkerFigures>();
        var blocks = new List<PidBlock>();
        RequestTotals requests;
        MeterTotals meters = new();
        long active = 0;
        long[] restarts;
        long served;
        lock (_gate)
        {
            requests = _retainedRequests.Clone();
            meters.AddAll(_retainedMeters);
            restarts = (long[])_restarts.Clone();
            served = _retiredServed;
            foreach (Entry e in _live)
            {
                WorkerHandle w = e.Worker;
                if (w.Exited)
                {
                    continue;
                }

                requests.AddFrom(e.File);
                active += e.File.ActiveRequests;
                long requestCount = w.Heartbeat.Requests;
                served += requestCount;
                if (e.File.ReadMeters() is { } block)
                {
                    e.LastMeters = block;
                }

                if (e.LastMeters is { } b)
                {
                    blocks.Add(new PidBlock(w.Pid, b));
                }

                if (w.Pid > 0)
                {
                    workers.Add(new WorkerFigures(w.Pid, w.AgeSeconds, StateOf(w), requestCount));
                }
            }
        }

        foreach (PidBlock b in blocks)
        {
            foreach (MeterInstrument i in MeterBlock.Decode(b.Block))
            {
                meters.Add(i, b.Pid);
            }
        }

        return new MetricsScrape(workers, requests, meters, Math.Max(active, 0), restarts, served, Reloads());
    }

    private static string StateOf(WorkerHandle w) =>
        w.SignalledAt != 0 || w.TimedOutAt != 0 || w.AbortedAt != 0 ? "stopping" : w.Heartbeat.Phase switch
        {
            WorkerPhase.Ready => "ready",
            WorkerPhase.Stopping => "stopping",
            _ => "booting",
        };

    private sealed record PidBlock(int Pid, byte[] Block);

    private sealed class Entry
    {
        public Entry(WorkerHandle worker, WorkerMetricsFile file)
        {
            Worker = worker;
            File = file;
        }

        public WorkerHandle Worker { get; }

        public WorkerMetricsFile File { get; }

        /// <summary>The last meter block read whole (a block being rewritten during a read is skipped).</summary>
        public byte[]? LastMeters { get; set; }
    }
}

/// <summary>One live worker's figures in a scrape.</summary>
internal sealed record WorkerFigures(int Pid, double AgeSeconds, string State, long Requests);

/// <summary>What a scrape copied out of the registry.</summary>
internal sealed record MetricsScrape(
    IReadOnlyList<WorkerFigures> Workers, RequestTotals Requests, MeterTotals Meters, long ActiveRequests, long[] Restarts, long RequestsServed, long Reloads);
