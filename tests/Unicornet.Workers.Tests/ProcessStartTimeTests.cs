using System.Diagnostics;
using Unicornet.Platform;

namespace Unicornet.Workers.Tests;

/// <summary>
/// The worker's boot log reports how long ago its process started from /proc (ProcessInfo), no longer through
/// System.Diagnostics.Process: both must tell the same time.
/// </summary>
public sealed class ProcessStartTimeTests
{
    [Fact]
    public void Milliseconds_since_start_agree_with_the_process_start_time()
    {
        long? fromProc = ProcessInfo.MillisecondsSinceStart();
        double fromProcess = (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds;

        long ours = fromProc.ShouldNotBeNull();
        ours.ShouldBeGreaterThan(0);

        // Both read the kernel's start time in 10 ms ticks; the two reads are moments apart, and Process converts
        // through the wall clock (boot time), so allow for a wide margin: what matters is the same origin.
        Math.Abs(ours - fromProcess).ShouldBeLessThan(1000);
    }
}
