using System.Diagnostics;
using Unicornet.Platform;
using Unicornet.Supervision;
using Unicornet.Supervision.Hooks;

namespace Unicornet.Arbitration;

/// <summary>The master's record of one worker process.</summary>
internal sealed class WorkerHandle
{
    public WorkerHandle(int age, int generation, WorkerView view, HeartbeatFile heartbeat)
    {
        Age = age;
        Generation = generation;
        View = view;
        Heartbeat = heartbeat;
        StartedAt = MonotonicClock.Now;
    }

    public int Age { get; }

    /// <summary>Which config (HUP count) the worker was started with.</summary>
    public int Generation { get; }

    public WorkerView View { get; }

    public HeartbeatFile Heartbeat { get; }

    /// <summary>The requests the worker is running, as it records them (null when the file could not be made).</summary>
    public InFlightFile? InFlight { get; init; }

    public Process? Process { get; set; }

    public int Pid => View.ProcessId;

    /// <summary>When the master started the worker (<see cref="MonotonicClock"/>, as are the other stamps).</summary>
    public long StartedAt { get; }

    /// <summary>When the master sent TERM/QUIT (retire, stop), 0 if not.</summary>
    public long SignalledAt { get; set; }

    /// <summary>When the master found the worker silent past the timeout and started reading its stacks, 0 if not.</summary>
    public long TimedOutAt { get; set; }

    /// <summary>When the master sent SIGABRT after a timeout, 0 if not.</summary>
    public long AbortedAt { get; set; }

    public bool Exited { get; set; }

    /// <summary>Why the master is replacing the worker (memory, a timeout), for the restart metrics; null if it is not.</summary>
    public RestartReason? ReplacedFor { get; set; }

    /// <summary>Counts toward the target: not stopping, not timed out, not gone.</summary>
    public bool Serving => SignalledAt == 0 && TimedOutAt == 0 && AbortedAt == 0 && !Exited;

    public bool Ready => Heartbeat.Phase == WorkerPhase.Ready;

    public double AgeSeconds => MonotonicClock.MillisecondsSince(StartedAt) / 1000.0;

    /// <summary>The requests in flight now, oldest first; empty without the file.</summary>
    public IReadOnlyList<RequestInFlight> RequestsInFlight() => InFlight?.Read() ?? [];

    /// <summary>Unmaps and deletes the in-flight file (the worker is gone or never started).</summary>
    public void DisposeInFlight()
    {
        if (InFlight is { } file)
        {
            file.Dispose();
            try
            {
                File.Delete(file.Path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The run directory goes at exit anyway.
            }
        }
    }
}
