using System.Text.RegularExpressions;
using Unicornet.IntegrationTests.Support;

namespace Unicornet.IntegrationTests.Arbiter;

/// <summary>A hung worker names the requests it was stuck on (issue 14, part 3).</summary>
[Collection("arbiter")]
public sealed partial class HungRequestNamingTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    // worker_abort gets the same requests as the master's WORKER TIMEOUT entry.
    private const string Hooks = """
        void worker_abort(Worker worker) => worker.Log.Info("test: worker_abort saw " + string.Join(" | ", worker.RequestsInFlight.Select(r => r.Method + " " + r.Path)));
        """;

    [Fact]
    public void Sync_timeout_names_the_hung_request_next_to_the_stacks()
    {
        using var server = new ServerProcess();
        server.Start("-w", "1", "-t", "3", "-c", server.WriteFile("conf.csx", Hooks));
        server.WaitServing(1);
        int worker = server.WorkerPids()[0];
        _ = Task.Run(() => server.TryGet("/hang?who=sync", out _, 60000));

        server.WaitForLog("Stack traces of worker " + worker, Deadline);
        string entry = TimeoutEntry(server.Output, worker);
        entry.ShouldContain("on 1 request(s) in flight");
        RequestLine().Count(entry).ShouldBe(1, entry);
        server.WaitForLog("test: worker_abort saw GET /hang", Deadline);
    }

    [Fact]
    public void Gthread_with_every_thread_hung_times_out_and_names_each_request()
    {
        using var server = new ServerProcess();
        server.Start("-w", "1", "-k", "gthread", "--threads", "2", "-t", "3", "-c", server.WriteFile("conf.csx", Hooks));
        server.WaitServing(1);
        int worker = server.WorkerPids()[0];
        _ = Task.Run(() => server.TryGet("/hang?n=1", out _, 60000));
        _ = Task.Run(() => server.TryGet("/hang?n=2", out _, 60000));

        server.WaitForLog("Stack traces of worker " + worker, Deadline);
        string entry = TimeoutEntry(server.Output, worker);
        entry.ShouldContain("on 2 request(s) in flight");
        RequestLine().Count(entry).ShouldBe(2, entry);
        server.WaitForLog("test: worker_abort saw GET /hang | GET /hang", Deadline);
    }

    /// <summary>The WORKER TIMEOUT entry of <paramref name="pid"/>, up to the next log line.</summary>
    private static string TimeoutEntry(string output, int pid)
    {
        int start = output.IndexOf("WORKER TIMEOUT (pid:" + pid + ")", StringComparison.Ordinal);
        start.ShouldBeGreaterThanOrEqualTo(0, output);
        int end = output.IndexOf("\n[", start, StringComparison.Ordinal);
        return end < 0 ? output[start..] : output[start..end];
    }

    // "  GET /hang from 127.0.0.1:PORT, running N.N s"
    [GeneratedRegex(@"GET /hang from 127\.0\.0\.1:\d+, running \d+\.\d s")]
    private static partial Regex RequestLine();
}
