using Unicornet.Config;

namespace Unicornet.Arbitration;

/// <summary>The master process: what <c>unicornet</c> runs after resolving its configuration.</summary>
public static class MasterProcess
{
    /// <summary>
    /// Takes back the signals the master owns (HUP, INT, QUIT, TERM, ...) that the parent left ignored, as a
    /// shell script's background job or nohup leave them. Call it first in the process that becomes the
    /// master, before anything uses Console or Process: the runtime keeps INT and QUIT ignored for good
    /// if they still are when it first sets up signal handling.
    /// </summary>
    public static void TakeBackSignals() => MasterSignals.TakeBack();

    /// <summary>
    /// Runs the master until it stops; returns the process exit code (0 after a stop, 1 when it
    /// cannot start, 3/4 when a worker could not boot or load the app).
    /// </summary>
    /// <param name="config">The resolved configuration.</param>
    /// <param name="reload">Re-resolves every source for HUP; throws ConfigException on a bad script.</param>
    public static int Run(UnicornetConfig config, Func<UnicornetConfig> reload)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(reload);
        return new Master(config, reload).Run();
    }
}
