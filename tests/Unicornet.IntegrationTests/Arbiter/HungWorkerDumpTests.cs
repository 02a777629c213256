using Unicornet.IntegrationTests.Support;
using Unicornet.Platform;

namespace Unicornet.IntegrationTests.Arbiter;

/// <summary>A hung worker's stack dump runs off the master's loop (issue 11, item 6).</summary>
[Collection("arbiter")]
public sealed class HungWorkerDumpTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public void Two_hung_workers_are_dumped_at_once_while_the_master_keeps_scaling()
    {
        using var server = new ServerProcess();

        // The dump helpers wait for this file before attaching: the dumps stay in progress until the test opens it.
        string gate = Path.Combine(server.Dir, "dump-gate");
        server.Customize = psi => psi.Environment["UNICORNET_STACK_DUMP_GATE"] = gate;
        server.Start("-w", "2", "-t", "3");
        server.WaitServing(2);
        List<int> hung = server.WorkerPids();

        // Sync workers serve one connection at a time: the two requests hang both workers.
        _ = Task.Run(() => server.TryGet("/hang", out _, 30000));
        _ = Task.Run(() => server.TryGet("/hang", out _, 30000));

        // A master waiting on the first dump would never notice the second worker's timeout.
        server.WaitFor(() => hung.All(p => server.Output.Contains("WORKER TIMEOUT (pid:" + p + ")", StringComparison.Ordinal)), Deadline, "both workers to time out");

        // With both dumps open the master still answers TTIN, and replaces the two lost workers meanwhile.
        server.Signal(Signals.SIGTTIN);
        server.WaitFor(() => server.WorkerPids().Except(hung).Count() == 3, Deadline, "3 new workers during the dumps");
        // The output is read from the master's pipe on its own thread: the line may land just after the pids do.
        server.WaitForLog("Number of workers: 2 -> 3", Deadline);
        server.Output.ShouldNotContain("Stack traces of worker");
        hung.ShouldAllBe(p => ServerProcess.Alive(p));

        File.WriteAllText(gate, "");
        foreach (int p in hung)
        {
            server.WaitForLog("Stack traces of worker " + p, Deadline);
            server.WaitFor(() => !ServerProcess.Alive(p), Deadline, $"the hung worker {p} to be aborted");
        }

        server.Output.ShouldContain("SleepForeverInsideTestApp");
        server.WaitServing(3);
    }
}
