using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Unicornet.IntegrationTests.Support;
using Unicornet.Platform;
using Xunit.Abstractions;

namespace Unicornet.IntegrationTests.Arbiter;

/// <summary>
/// Stopping for rolling deploys (issue 14, part 2): TERM answers every connection the kernel accepted, on every
/// worker class, and shutdown_delay keeps serving (while the instance reports stopping) before the graceful stop.
/// </summary>
[Collection("arbiter")]
public sealed class ShutdownTests(ITestOutputHelper output)
{
    private const int Queued = 20;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    /// <summary>
    /// One worker busy on a slow request and 20 connections queued behind it (each connected, its request sent):
    /// TERM must answer all 21. gthread and async get worker_connections 1, so the 20 really wait in the kernel's
    /// accept queue as they do behind a sync worker; Kestrel accepts everything at once and must keep doing so.
    /// </summary>
    [Theory]
    [InlineData("sync")]
    [InlineData("gthread")]
    [InlineData("async")]
    [InlineData("kestrel")]
    public async Task Term_answers_every_connection_queued_behind_a_busy_worker(string workerClass)
    {
        using var server = new ServerProcess();
        List<string> args = ["-w", "1", "-k", workerClass, "--graceful-timeout", "60"];
        if (workerClass is "gthread" or "async")
        {
            args.AddRange(["--threads", "1", "--worker-connections", "1"]);
        }

        server.Start([.. args]);
        server.WaitServing(1);

        string slowBody = "";
        Task<int> slow = Task.Run(() => server.TryGet("/slow?ms=3000", out slowBody, 60000));
        server.WaitForLog("slow request started", Deadline);

        var clients = new List<Socket>();
        try
        {
            for (int i = 0; i < Queued; i++)
            {
                var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 60000, SendTimeout = 10000 };
                clients.Add(s);
                s.Connect(IPAddress.Loopback, server.Port);
                s.Send(Encoding.ASCII.GetBytes($"GET /?n={i} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
            }

            server.Signal(Signals.SIGTERM);
            int[] statuses = await Task.WhenAll(clients.Select(c => Task.Run(() => StatusOf(c)))).WaitAsync(Deadline);
            int slowStatus = await slow.WaitAsync(Deadline);

            int answered = statuses.Count(s => s == 200) + (slowStatus == 200 ? 1 : 0);
            output.WriteLine($"{workerClass}: TERM answered {answered} of {Queued + 1} (1 busy + {Queued} queued)");
            slowBody.ShouldStartWith("slow done");
            answered.ShouldBe(Queued + 1, $"{workerClass}: answered {answered} of {Queued + 1}; statuses {string.Join(",", statuses)}");
            server.WaitExit(Deadline).ShouldBe(0);
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public void Shutdown_delay_keeps_serving_and_reports_stopping_until_a_second_term()
    {
        using var server = new ServerProcess();

        // Far longer than the test needs: the second TERM, not the clock, ends the delay.
        server.Start("-w", "1", "--shutdown-delay", "600", "--control-socket", Path.Combine(server.Dir, "ctl.sock"));
        server.WaitServing(1);
        int worker = server.WorkerPids()[0];

        server.Signal(Signals.SIGTERM);
        server.WaitForLog("Shutdown delay: not ready from now on, serving 600 s more", Deadline);

        // The app's port still serves, by the same worker, and the instance says it is stopping.
        server.TryGet("/pid", out string body, 10000).ShouldBe(200);
        body.Trim().ShouldBe(worker.ToString(CultureInfo.InvariantCulture));
        CommandResult stats = Ctl(server, "show stats");
        stats.Output.ShouldContain("stopping");

        // A HUP during the delay is not acted on: the instance is on its way out.
        server.Signal(Signals.SIGHUP);
        server.WaitForLog("Ignoring HUP during the shutdown delay", Deadline);

        server.Signal(Signals.SIGTERM);
        server.WaitForLog("Second TERM during the shutdown delay: stopping gracefully now", Deadline);
        server.WaitExit(Deadline).ShouldBe(0);
        server.Output.ShouldNotContain("Shutdown delay over");
    }

    [Fact]
    public void Int_during_the_shutdown_delay_stops_quickly()
    {
        using var server = new ServerProcess();
        server.Start("-w", "1", "--shutdown-delay", "600");
        server.WaitServing(1);
        server.Signal(Signals.SIGTERM);
        server.WaitForLog("Shutdown delay: not ready from now on", Deadline);
        server.Signal(Signals.SIGINT);
        server.WaitExit(Deadline).ShouldBe(0);
        server.Output.ShouldNotContain("Shutdown delay over");
    }

    [Fact]
    public void Shutdown_delay_ends_by_itself_then_the_stop_is_graceful()
    {
        using var server = new ServerProcess();
        server.Start("-w", "1", "--shutdown-delay", "1");
        server.WaitServing(1);
        server.Signal(Signals.SIGTERM);
        server.WaitForLog("Shutdown delay over: stopping gracefully", Deadline);
        server.WaitExit(Deadline).ShouldBe(0);
    }

    private static CommandResult Ctl(ServerProcess server, string command) =>
        CommandRunner.Run(Binaries.Unicornetc, ["-s", Path.Combine(server.Dir, "ctl.sock"), "-c", command], timeout: TimeSpan.FromSeconds(30));

    /// <summary>The status a queued client got, 0 when its connection was reset or closed unanswered.</summary>
    private static int StatusOf(Socket socket)
    {
        try
        {
            string response = ServerProcess.ReadToClose(socket);
            return response.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) ? int.Parse(response.AsSpan(9, 3), CultureInfo.InvariantCulture) : 0;
        }
        catch (SocketException)
        {
            return 0;
        }
    }
}
