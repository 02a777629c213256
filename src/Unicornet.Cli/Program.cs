using System.Runtime.CompilerServices;
using Unicornet.Config;

namespace Unicornet.Cli;

/// <summary>
/// The <c>unicornet</c> executable. Every unicornet process runs it; the role in the environment
/// picks what it becomes. Without a role it is the command a user types, and it starts the master.
/// </summary>
internal static class Program
{
    // Each role is a method of its own, never inlined: compiling Main (the JIT build) must not load every role's
    // assembly, or a master would map the worker, dirty and compiler code it never runs.
    private static int Main(string[] args) =>
        Environment.GetEnvironmentVariable(ProcessRoles.Variable) switch
        {
            ProcessRoles.Worker => RunWorker(args),
            ProcessRoles.DirtyArbiter => RunDirtyArbiter(args),
            ProcessRoles.DirtyWorker => RunDirtyWorker(args),
            ProcessRoles.Compile => RunCompiler(args),
            ProcessRoles.ConfigProbe => RunConfigProbe(args),
            ProcessRoles.StackDump => RunStackDump(args),
            _ => RunMaster(args),
        };

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int RunWorker(string[] args) => Unicornet.Workers.WorkerEntry.Run(args);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int RunDirtyArbiter(string[] args) => Unicornet.Dirty.DirtyEntry.RunArbiter(args);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int RunDirtyWorker(string[] args) => Unicornet.Dirty.DirtyEntry.RunWorker(args);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int RunCompiler(string[] args) => Unicornet.Config.Compiler.CompilerEntry.Run(args);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int RunConfigProbe(string[] args) => Unicornet.Config.Script.ConfigProbeEntry.Run(args);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int RunStackDump(string[] args) => Unicornet.Arbitration.StackDumpEntry.Run(args);

    private static int RunMaster(string[] args)
    {
        // Before anything sets up the runtime's signal handling, or an ignored INT would stay ignored.
        Unicornet.Arbitration.MasterProcess.TakeBackSignals();
        return MasterCommand.Run(args);
    }
}
