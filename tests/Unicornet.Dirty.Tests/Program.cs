using Unicornet.Config;
using Unicornet.Dirty;
using Unicornet.Dirty.Tests.Infrastructure;

namespace Unicornet.Dirty.Tests;

/// <summary>
/// Entry point when the tests start this assembly as a process: the dirty roles go to DirtyEntry,
/// like the real unicornet executable; "dirty-test-master" stands in for a master.
/// </summary>
public static class Program
{
    public static int Main(string[] args) => Environment.GetEnvironmentVariable(ProcessRoles.Variable) switch
    {
        ProcessRoles.DirtyArbiter => DirtyEntry.RunArbiter(args),
        ProcessRoles.DirtyWorker => DirtyEntry.RunWorker(args),
        FakeMaster.Role => FakeMaster.Run(),
        Bench.Role => Bench.Run(),
        _ => 2,
    };
}
