namespace Unicornet.Config;

/// <summary>
/// Every unicornet process runs the same executable; <see cref="Variable"/> tells a child which
/// part it plays. The master starts workers, the dirty arbiter and the config compiler this way.
/// </summary>
public static class ProcessRoles
{
    /// <summary>The environment variable that carries the role.</summary>
    public const string Variable = "UNICORNET_ROLE";

    /// <summary>The master (arbiter); what a user starts.</summary>
    public const string Master = "master";

    /// <summary>An HTTP worker.</summary>
    public const string Worker = "worker";

    /// <summary>The dirty arbiter.</summary>
    public const string DirtyArbiter = "dirty-arbiter";

    /// <summary>A dirty worker.</summary>
    public const string DirtyWorker = "dirty-worker";

    /// <summary>The short-lived process that compiles a config script with Roslyn.</summary>
    public const string Compile = "compile";

    /// <summary>The short-lived process that reads a timed-out worker's managed stacks with ClrMD for the master.</summary>
    public const string StackDump = "stack-dump";

    /// <summary>A diagnostic process that only loads a cached compiled config and reports what that cost (no Roslyn).</summary>
    public const string ConfigProbe = "config-probe";
}
