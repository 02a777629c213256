using Unicornet.IntegrationTests.Support;
using Unicornet.Platform;

namespace Unicornet.IntegrationTests.Arbiter;

/// <summary>USR1 (reopen), WINCH and HUP against the error log of a real master and its workers.</summary>
[Collection("arbiter")]
public sealed class LogSignalTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public void Usr1_reopens_the_error_log_in_the_master_and_the_workers_and_winch_is_ignored_when_not_daemonized()
    {
        using var server = new ServerProcess();
        string log = Path.Combine(server.Dir, "error.log");
        server.Start("-w", "1", "--log-level", "debug", "--error-logfile", log);
        server.WaitServing(1);
        int worker = server.WorkerPids()[0];

        // logrotate's move-then-signal: everything written after USR1 must land in a new file.
        string rotated = log + ".1";
        File.Move(log, rotated);
        server.Signal(Signals.SIGUSR1);
        server.WaitFor(() => File.Exists(log), Deadline, "the master to reopen error.log");

        // The worker reopens on its own thread; keep asking until its error lands in the new file.
        server.WaitFor(() => server.TryGet("/boom", out _) == 500 && Read(log).Contains("boom from the test app", StringComparison.Ordinal), Deadline, "the worker's error in the new error.log");
        Read(rotated).ShouldContain("Handling signal: usr1");

        server.Signal(Signals.SIGWINCH);
        server.WaitFor(() => Read(log).Contains("SIGWINCH ignored. Not daemonized", StringComparison.Ordinal), Deadline, "WINCH in the new error.log");
        server.WorkerPids().ShouldBe([worker]);
        server.TryGet("/", out _).ShouldBe(200);
    }

    [Fact]
    public void Hup_applies_a_new_errorlog_and_loglevel()
    {
        using var server = new ServerProcess();
        string first = Path.Combine(server.Dir, "first.log");
        string second = Path.Combine(server.Dir, "second.log");
        string conf = server.WriteFile("conf.csx", $"workers = 1;\nerrorlog = \"{first}\";\nloglevel = \"info\";\n");
        server.Start("-c", conf);
        server.WaitServing(1);
        Read(first).ShouldContain("Booting worker");
        Read(first).ShouldNotContain("[DEBUG]");

        File.WriteAllText(conf, $"workers = 1;\nerrorlog = \"{second}\";\nloglevel = \"debug\";\n");
        server.Signal(Signals.SIGHUP);
        server.WaitFor(() => Read(second).Contains("Error log reconfigured", StringComparison.Ordinal), Deadline, "the master's log in second.log");

        // The new generation's worker logs there too, at the new level.
        server.WaitFor(() => Read(second).Contains("Worker start-up JIT", StringComparison.Ordinal), Deadline, "a debug line of the new worker in second.log");
        server.TryGet("/", out _).ShouldBe(200);
    }

    [Fact]
    public void Hup_reloads_a_master_started_with_hup_ignored_as_nohup_does()
    {
        using var server = new ServerProcess();

        // An ignored signal stays ignored across exec: this is what nohup hands its command.
        server.RunThroughBash("trap '' HUP");
        server.Start("-w", "1");
        server.WaitServing(1);
        List<int> old = server.WorkerPids();
        server.Signal(Signals.SIGHUP);
        server.WaitFor(() => server.WorkerPids() is { Count: 1 } now && !now.Intersect(old).Any(), Deadline, "a new worker after HUP");
        server.TryGet("/", out _).ShouldBe(200);
    }

    [Fact]
    public void Reload_restarts_the_workers_when_a_watched_file_changes()
    {
        using var server = new ServerProcess();
        string watched = server.WriteFile("settings.json", "{}");
        server.Start("-w", "2", "--reload", "--reload-extra-file", watched);
        server.WaitServing(2);
        List<int> old = server.WorkerPids();

        // The check compares modification times; a visibly later one avoids coarse-timestamp ties.
        File.WriteAllText(watched, "{\"changed\": true}");
        File.SetLastWriteTimeUtc(watched, DateTime.UtcNow.AddSeconds(5));
        server.WaitFor(() => server.WorkerPids() is { Count: 2 } now && !now.Intersect(old).Any(), Deadline, "2 new workers after the watched file changed");
        server.TryGet("/", out _).ShouldBe(200);
    }

    private static string Read(string path)
    {
        try
        {
            using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return new StreamReader(s).ReadToEnd();
        }
        catch (FileNotFoundException)
        {
            return "";
        }
    }
}
