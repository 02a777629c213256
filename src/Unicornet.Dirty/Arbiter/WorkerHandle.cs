using System.Diagnostics;
using Unicornet.Dirty.Apps;
using Unicornet.Dirty.Protocol;
using Unicornet.Platform;

namespace Unicornet.Dirty.Arbiter;

/// <summary>The dirty arbiter's record of one dirty worker process.</summary>
internal sealed class WorkerHandle : Routing.ICallTarget
{
    private long _lastSeen = MonotonicClock.Now;
    private int _inFlight;

    public WorkerHandle(int age, IReadOnlyList<DirtyAppSpec> apps, Process process)
    {
        Age = age;
        Apps = apps;
        Process = process;
        Pid = process.Id;
    }

    public int Age { get; }

    public int Pid { get; }

    public IReadOnlyList<DirtyAppSpec> Apps { get; }

    public Process Process { get; }

    /// <summary>Set when the worker said HELLO.</summary>
    public FrameConnection? Connection { get; set; }

    /// <summary>Set when the worker finished loading its apps.</summary>
    public bool Ready { get; set; }

    /// <summary>Being stopped; gets no new calls and is not replaced.</summary>
    public bool Retiring { get; set; }

    /// <summary>For a HUP replacement: the old worker to retire once this one is ready.</summary>
    public WorkerHandle? Replaces { get; set; }

    /// <summary>When the worker was sent ABRT for silence (<see cref="MonotonicClock"/>, as is the last-seen stamp), 0 if never.</summary>
    public long AbortSentAt { get; set; }

    /// <summary>True once the exit was handled.</summary>
    public bool Reaped { get; set; }

    /// <summary>Calls relayed through the arbiter that the worker has not answered yet.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Calls clients sent the worker directly, as of its last heartbeat.</summary>
    public int DirectInFlight { get; set; }

    public TimeSpan Silence => MonotonicClock.Since(Volatile.Read(ref _lastSeen));

    public void Touch() => Volatile.Write(ref _lastSeen, MonotonicClock.Now);

    public void AddInFlight(int delta) => Interlocked.Add(ref _inFlight, delta);

    public bool Holds(DirtyAppSpec spec)
    {
        foreach (DirtyAppSpec a in Apps)
        {
            if (a.Id == spec.Id)
            {
                return true;
            }
        }

        return false;
    }
}
