using Unicornet.Config;

namespace Unicornet.Arbitration;

/// <summary>The master process: what <c>unicornet</c> runs after resolving its configuration.</summary>
public static class MasterProcess
{
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
