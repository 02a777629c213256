using Unicornet.Logging;

namespace Unicornet.Dirty.Tests.Infrastructure;

/// <summary>A stand-in master process: starts a dirty arbiter, prints its pid, then waits to be killed.</summary>
internal static class FakeMaster
{
    public const string Role = "dirty-test-master";

    public static int Run()
    {
        string procName = Environment.GetEnvironmentVariable("DIRTY_TEST_PROCNAME") ?? "dt-master";
        string logPath = Path.Combine(Path.GetTempPath(), procName + ".log");
        var config = TestConfig.Create(new Dictionary<string, object?>
        {
            ["dirty_apps"] = new[] { TestConfig.EchoApp },
            ["dirty_workers"] = 1,
            ["errorlog"] = logPath,
            ["proc_name"] = procName,
        });
        var supervisor = new DirtyArbiterSupervisor(config, new UnicornetLog(new LogOptions(logPath))) { StartInfoFactory = DirtyCluster.HostStartInfo };
        supervisor.Start();
        Console.WriteLine("ARBITER " + supervisor.Pid + " " + supervisor.SocketPath);
        Console.Out.Flush();
        // Not a wait for anything: this stand-in master only has to stay alive until the test kills it
        // (the bound is for a test that never does).
        Thread.Sleep(TimeSpan.FromMinutes(2));
        return 0;
    }
}
