using System.Collections.Concurrent;
using System.Globalization;
using Unicornet.IntegrationTests.Support;
using Unicornet.Platform;

namespace Unicornet.IntegrationTests.Arbiter;

/// <summary>The master's process model against a real `unicornet` and the test app.</summary>
[Collection("arbiter")]
public sealed class ArbiterProcessTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public void Killed_worker_is_replaced_while_the_others_keep_serving()
    {
        using var server = new ServerProcess().Start("-w", "2");
        server.WaitServing(2);
        List<int> before = server.WorkerPids();
        Signals.Send(before[0], Signals.SIGKILL);

        // The surviving worker answers while the master replaces the dead one.
        for (int i = 0; i < 10; i++)
        {
            server.TryGet("/", out _).ShouldBe(200);
        }

        server.WaitFor(() => server.WorkerPids() is { Count: 2 } now && !now.Contains(before[0]), Deadline, "a replacement worker");
        server.WorkerPids().ShouldContain(before[1]);
        server.WaitServing(2);
    }

    [Fact]
    public void Ttin_and_ttou_change_the_worker_count()
    {
        using var server = new ServerProcess().Start("-w", "1");
        server.WaitServing(1);
        server.Signal(Signals.SIGTTIN);
        server.WaitFor(() => server.WorkerPids().Count == 2, Deadline, "2 workers after TTIN");
        server.Signal(Signals.SIGTTOU);
        server.WaitFor(() => server.WorkerPids().Count == 1, Deadline, "1 worker after TTOU");
        server.TryGet("/", out _).ShouldBe(200);
        server.Output.ShouldContain("Number of workers: 2 -> 1");
    }

    [Fact]
    public async Task Term_lets_an_in_flight_request_finish_then_exits_0()
    {
        using var server = new ServerProcess().Start("-w", "1", "--graceful-timeout", "20");
        server.WaitServing(1);
        string body = "";
        var slow = Task.Run(() => server.TryGet("/slow?ms=2000", out body, 15000));
        server.WaitForLog("slow request started", Deadline);
        server.Signal(Signals.SIGTERM);
        (await slow.WaitAsync(TimeSpan.FromSeconds(20))).ShouldBe(200);
        body.ShouldStartWith("slow done");
        server.WaitExit(Deadline).ShouldBe(0);
    }

    [Fact]
    public void Hup_applies_a_new_worker_count_and_class_from_the_script()
    {
        using var server = new ServerProcess();
        string conf = server.WriteFile("conf.csx", "workers = 1;\nworker_class = \"sync\";\n");
        server.Start("-c", conf);
        server.WaitServing(1);
        List<int> old = server.WorkerPids();
        File.WriteAllText(conf, "workers = 3;\nworker_class = \"gthread\";\nthreads = 2;\n");
        server.Signal(Signals.SIGHUP);
        server.WaitFor(() => server.WorkerPids() is { Count: 3 } now && !now.Intersect(old).Any(), Deadline, "3 new workers after HUP");
        server.TryGet("/", out _).ShouldBe(200);
        server.Output.ShouldContain("class gthread");

        // A broken script changes nothing.
        List<int> current = server.WorkerPids();
        File.WriteAllText(conf, "workers = ;\n");
        server.Signal(Signals.SIGHUP);
        server.WaitForLog("Reload failed", Deadline);
        server.WorkerPids().Order().ShouldBe(current.Order());
        server.TryGet("/", out _).ShouldBe(200);
    }

    [Fact]
    public void Hung_worker_is_aborted_after_timeout_with_its_stack_in_the_log()
    {
        using var server = new ServerProcess().Start("-w", "1", "-t", "3");
        server.WaitServing(1);
        int hung = server.WorkerPids()[0];
        _ = Task.Run(() => server.TryGet("/hang", out _, 30000));
        server.WaitForLog("WORKER TIMEOUT (pid:" + hung, Deadline);
        server.WaitFor(() => !ServerProcess.Alive(hung), Deadline, "the hung worker to die");
        server.WaitServing(1);
        server.Output.Contains("SleepForeverInsideTestApp", StringComparison.Ordinal).ShouldBeTrue(server.Output);
    }

    [Fact]
    public async Task App_that_cannot_load_stops_the_master_with_exit_4()
    {
        await using ServerProcess server = await ServerProcess.StartAsync(["-w", "2", "NoSuchAssembly.dll:App"], waitForHttp: false);
        (await server.WaitForExitAsync(Deadline)).ShouldBe(4, server.Output);
        server.Output.ShouldContain("NoSuchAssembly");
    }

    [Fact]
    public void Failing_post_fork_hook_stops_the_master_with_exit_3()
    {
        using var server = new ServerProcess();
        string conf = server.WriteFile("conf.csx", "void post_fork(Arbiter server, Worker worker) => throw new InvalidOperationException(\"boom in post_fork\");\n");
        server.Start("-w", "2", "-c", conf);
        server.WaitExit(Deadline).ShouldBe(3);
        server.Output.ShouldContain("boom in post_fork");
    }

    [Fact]
    public void Workers_exit_soon_after_the_master_is_killed()
    {
        using var server = new ServerProcess().Start("-w", "2");
        server.WaitServing(2);
        List<int> workers = server.WorkerPids();
        server.Track(workers);
        server.Signal(Signals.SIGKILL);
        Eventually.Poll(() => !workers.Any(ServerProcess.Alive), TimeSpan.FromSeconds(20));
        workers.Where(ServerProcess.Alive).ShouldBeEmpty();
    }

    [Fact]
    public void Hooks_run_in_gunicorn_order_in_the_right_processes()
    {
        using var server = new ServerProcess();
        string log = Path.Combine(server.Dir, "hooks.log");
        string conf = server.WriteFile("conf.csx", $$"""
            void Note(string what) => System.IO.File.AppendAllText(@"{{log}}", what + " " + Environment.ProcessId + "\n");
            void on_starting(Arbiter server) => Note("on_starting");
            void when_ready(Arbiter server) => Note("when_ready");
            void nworkers_changed(Arbiter server, int new_value, int? old_value) => Note("nworkers_changed");
            void pre_fork(Arbiter server, Worker worker) => Note("pre_fork");
            void post_fork(Arbiter server, Worker worker) => Note("post_fork");
            void post_worker_init(Worker worker) => Note("post_worker_init");
            void pre_request(Worker worker, Request req) => Note("pre_request");
            void post_request(Worker worker, Request req, Response resp) => Note("post_request");
            void worker_exit(Arbiter server, Worker worker) => Note("worker_exit");
            void child_exit(Arbiter server, Worker worker) => Note("child_exit");
            void on_exit(Arbiter server) => Note("on_exit");
            """);
        server.Start("-w", "1", "-c", conf);
        server.WaitServing(1);
        server.TryGet("/", out _).ShouldBe(200);
        server.Signal(Signals.SIGTERM);
        server.WaitExit(Deadline).ShouldBe(0);

        string[] lines = File.ReadAllLines(log);
        string[] names = lines.Select(l => l.Split(' ')[0]).Where(n => n != "pre_request" && n != "post_request" || true).ToArray();
        string master = server.Pid.ToString(CultureInfo.InvariantCulture);
        names.Where(n => n is not ("pre_request" or "post_request")).ShouldBe(
            ["on_starting", "when_ready", "nworkers_changed", "pre_fork", "post_fork", "post_worker_init", "worker_exit", "child_exit", "on_exit"]);
        names.ShouldContain("pre_request");
        names.ShouldContain("post_request");
        Array.IndexOf(names, "pre_request").ShouldBeLessThan(Array.IndexOf(names, "post_request"));
        foreach (string l in lines)
        {
            string[] f = l.Split(' ');
            bool inMaster = f[0] is "on_starting" or "when_ready" or "nworkers_changed" or "pre_fork" or "child_exit" or "on_exit";
            (f[1] == master).ShouldBe(inMaster, l);
        }
    }

    [Fact]
    public async Task Usr2_starts_a_new_master_on_the_same_sockets_without_refusing_connections()
    {
        using var server = new ServerProcess();
        string pidfile = Path.Combine(server.Dir, "app.pid");
        server.Start("-w", "1", "-p", pidfile);
        server.WaitServing(1);
        int failures = 0;
        int ok = 0;
        var answeredBy = new ConcurrentDictionary<string, int>();
        using var stop = new CancellationTokenSource();
        var load = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (server.TryGet("/", out string body) == 200)
                {
                    Interlocked.Increment(ref ok);
                    answeredBy.AddOrUpdate(body.Trim(), 1, (_, n) => n + 1);
                }
                else
                {
                    Interlocked.Increment(ref failures);
                }
            }
        });

        server.Signal(Signals.SIGUSR2);
        int child = 0;
        server.WaitFor(() => (child = ServerProcess.ChildrenOf(server.Pid).FirstOrDefault(p => !server.WorkerPids().Contains(p))) != 0 && File.Exists(pidfile + ".2"), Deadline, "the new master and its pidfile.2");
        server.Track([child]);
        server.WaitFor(() => ServerProcess.ChildrenOf(child).Count >= 1, Deadline, "the new master's worker");
        server.Track(ServerProcess.ChildrenOf(child));

        // Both generations now accept on the same sockets: go on once the load has reached the new one.
        server.WaitFor(() => ServerProcess.ChildrenOf(child).Any(w => answeredBy.ContainsKey("hello from " + w.ToString(CultureInfo.InvariantCulture))), Deadline, "a request answered by the new master's worker");
        server.Signal(Signals.SIGTERM);
        server.WaitExit(Deadline).ShouldBe(0);
        string expected = child.ToString(CultureInfo.InvariantCulture);
        Eventually.Poll(() => File.Exists(pidfile) && File.ReadAllText(pidfile).Trim() == expected, Deadline);
        File.ReadAllText(pidfile).Trim().ShouldBe(expected, server.Output);
        File.Exists(pidfile + ".2").ShouldBeFalse();

        // The promoted master alone must go on serving without refusals.
        int promotedAt = Volatile.Read(ref ok);
        Eventually.Until(() => Volatile.Read(ref ok) >= promotedAt + 20, Deadline, "20 requests served after the old master exited", () => server.Output);
        stop.Cancel();
        await load.WaitAsync(TimeSpan.FromSeconds(20));
        server.Track(ServerProcess.ChildrenOf(child));
        Signals.Send(child, Signals.SIGTERM);
        ok.ShouldBeGreaterThan(0);
        // A connection the old worker accepted just before its graceful stop must still be served.
        failures.ShouldBe(0, $"{failures} failed and {ok} succeeded\n{server.Output}");
    }
}
