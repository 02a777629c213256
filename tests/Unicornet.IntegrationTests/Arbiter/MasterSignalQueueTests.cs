using Unicornet.IntegrationTests.Support;
using Unicornet.Platform;

namespace Unicornet.IntegrationTests.Arbiter;

/// <summary>Signals a shell script's background job inherits ignored are the master's again (issue 12).</summary>
[Collection("arbiter")]
public sealed class MasterSignalQueueTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(Signals.SIGINT, "int")]
    [InlineData(Signals.SIGQUIT, "quit")]
    public void A_master_started_with_int_and_quit_ignored_stops_on_them(int signal, string name)
    {
        using var server = new ServerProcess();

        // What `unicornet ... &` in a non-interactive script hands the master: INT and QUIT ignored across exec.
        server.RunThroughBash("trap '' INT QUIT");
        server.Start("-w", "1", "--log-level", "debug");
        server.WaitServing(1);

        // Proves the parent really left them ignored, so the stop below is the master taking them back.
        server.Output.ShouldContain("Signal INT was ignored by the parent; handling it");
        server.Output.ShouldContain("Signal QUIT was ignored by the parent; handling it");
        int worker = server.WorkerPids()[0];

        server.Signal(signal);
        server.WaitExit(Deadline).ShouldBe(0);
        server.Output.ShouldContain("Handling signal: " + name);
        server.WaitFor(() => !ServerProcess.Alive(worker), Deadline, "the worker to stop with the master");
    }
}
