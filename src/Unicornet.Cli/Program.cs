using Unicornet.Config;

namespace Unicornet.Cli;

/// <summary>
/// The <c>unicornet</c> executable. Every unicornet process runs it; the role in the environment
/// picks what it becomes. Without a role it is the command a user types, and it starts the master.
/// </summary>
internal static class Program
{
    private static int Main(string[] args) =>
        Environment.GetEnvironmentVariable(ProcessRoles.Variable) switch
        {
            ProcessRoles.Worker => Unicornet.Workers.WorkerEntry.Run(args),
            ProcessRoles.DirtyArbiter => Unicornet.Dirty.DirtyEntry.RunArbiter(args),
            ProcessRoles.DirtyWorker => Unicornet.Dirty.DirtyEntry.RunWorker(args),
            ProcessRoles.Compile => Unicornet.Config.Compiler.CompilerEntry.Run(args),
            ProcessRoles.ConfigProbe => Unicornet.Config.Script.ConfigProbeEntry.Run(args),
            ProcessRoles.StackDump => Unicornet.Arbitration.StackDumpEntry.Run(args),
            _ => RunMaster(args),
        };

    private static int RunMaster(string[] args)
    {
        // Before anything sets up the runtime's signal handling, or an ignored INT would stay ignored.
        Unicornet.Arbitration.MasterProcess.TakeBackSignals();
        return MasterCommand.Run(args);
    }
}
