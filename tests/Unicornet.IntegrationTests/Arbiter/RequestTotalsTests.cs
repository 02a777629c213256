using System.Text.Json;
using Unicornet.IntegrationTests.Support;
using Unicornet.Platform;

namespace Unicornet.IntegrationTests.Arbiter;

/// <summary><c>show stats</c>' requests_served counts workers that have gone (issue 12, item 8).</summary>
[Collection("arbiter")]
public sealed class RequestTotalsTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public void Requests_served_survives_a_reload_and_a_killed_worker()
    {
        using var server = new ServerProcess();
        string socket = Path.Combine(server.Dir, "ctl.sock");
        server.Start("-w", "1", "--control-socket", socket);
        server.WaitServing(1);
        for (int i = 0; i < 5; i++)
        {
            server.TryGet("/", out _).ShouldBe(200);
        }

        long before = RequestsServed(socket);
        before.ShouldBeGreaterThanOrEqualTo(5);

        // No request between here and the next reading: the total must not move, and must not drop.
        List<int> old = server.WorkerPids();
        Ctl(socket, "reload");
        server.WaitFor(() => server.WorkerPids() is { Count: 1 } now && !now.Intersect(old).Any(), Deadline, "the reload's new worker alone");
        RequestsServed(socket).ShouldBe(before);

        for (int i = 0; i < 3; i++)
        {
            server.TryGet("/", out _).ShouldBe(200);
        }

        int victim = server.WorkerPids()[0];
        Signals.Send(victim, Signals.SIGKILL);
        server.WaitFor(() => server.WorkerPids() is { Count: 1 } now && !now.Contains(victim), Deadline, "a replacement worker");
        RequestsServed(socket).ShouldBe(before + 3);
    }

    private static long RequestsServed(string socket)
    {
        using JsonDocument doc = JsonDocument.Parse(Ctl(socket, "show stats"));
        return doc.RootElement.GetProperty("requests_served").GetInt64();
    }

    private static string Ctl(string socket, string command)
    {
        CommandResult r = CommandRunner.Run(Binaries.Unicornetc, ["-s", socket, "-j", "-c", command], timeout: TimeSpan.FromSeconds(30));
        r.ExitCode.ShouldBe(0, $"{command}: {r.Output}");
        return r.StdOut;
    }
}
