using Unicornet.IntegrationTests.Support;
using Unicornet.Platform;

namespace Unicornet.IntegrationTests.Workers;

/// <summary>
/// Signals sent straight to a worker (not through the master): the handlers only queue, the worker's main loop
/// acts, and what each signal does stays gunicorn's.
/// </summary>
[Collection("arbiter")]
public sealed class WorkerSignalTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    // The hooks say when they ran, so the tests wait on the worker's own state, not on a clock.
    private const string Hooks = """
        void pre_request(Worker worker, Request req) => worker.Log.Info("test: pre_request " + req.Path + " in " + worker.Pid);
        void worker_int(Worker worker) => worker.Log.Info("test: worker_int in " + worker.Pid);
        void worker_abort(Worker worker) => worker.Log.Info("test: worker_abort in " + worker.Pid);
        """;

    [Fact]
    public async Task Term_to_a_worker_mid_request_finishes_the_request_then_the_worker_exits()
    {
        using var server = new ServerProcess();
        server.Start("-w", "1", "--graceful-timeout", "30", "-c", server.WriteFile("conf.csx", Hooks));
        server.WaitServing(1);
        int worker = server.WorkerPids()[0];
        string body = "";
        Task<int> slow = Task.Run(() => server.TryGet("/slow?ms=3000", out body, 30000));
        server.WaitForLog("test: pre_request /slow in " + worker, Deadline);

        Signals.Send(worker, Signals.SIGTERM);
        (await slow.WaitAsync(Deadline)).ShouldBe(200);
        body.ShouldStartWith("slow done " + worker);
        server.WaitForLog("Worker exiting (pid: " + worker + ")", Deadline);
        server.WaitFor(() => !ServerProcess.Alive(worker), Deadline, "the TERM'ed worker to exit");
        server.WaitServing(1);
    }

    [Fact]
    public void Int_to_a_worker_whose_app_ignores_cancellation_runs_worker_int_and_exits_anyway()
    {
        using var server = new ServerProcess();

        // Timeouts far beyond the deadline: only the worker's own quick exit can end it in time.
        server.Start("-w", "1", "-t", "600", "--graceful-timeout", "600", "-c", server.WriteFile("conf.csx", Hooks));
        server.WaitServing(1);
        int worker = server.WorkerPids()[0];
        _ = Task.Run(() => server.TryGet("/hang", out _, 120000));
        server.WaitForLog("test: pre_request /hang in " + worker, Deadline);

        Signals.Send(worker, Signals.SIGINT);
        server.WaitForLog("test: worker_int in " + worker, Deadline);
        server.WaitFor(() => !ServerProcess.Alive(worker), Deadline, "the INT'ed worker to leave though its request hangs");
        server.WaitServing(1);
    }

    [Fact]
    public void Abrt_to_a_worker_runs_worker_abort_and_ends_it()
    {
        using var server = new ServerProcess();
        server.Start("-w", "1", "-c", server.WriteFile("conf.csx", Hooks));
        server.WaitServing(1);
        int worker = server.WorkerPids()[0];

        Signals.Send(worker, Signals.SIGABRT);
        server.WaitForLog("test: worker_abort in " + worker, Deadline);
        server.WaitForLog("Worker aborted (pid: " + worker + ")", Deadline);
        server.WaitFor(() => !ServerProcess.Alive(worker), Deadline, "the aborted worker to exit");
        server.WaitServing(1);
    }

    [Fact]
    public void Usr1_reopens_the_worker_logs_and_group_signals_leave_it_serving()
    {
        using var server = new ServerProcess().Start("-w", "1");
        server.WaitServing(1);
        int worker = server.WorkerPids()[0];

        // Uncaught, HUP and USR2 would end the worker and TTIN/TTOU would stop it; a request it answers after
        // them shows they were caught (a pending signal is delivered before the worker's next syscall returns).
        foreach (int signal in new[] { Signals.SIGHUP, Signals.SIGUSR2, Signals.SIGWINCH, Signals.SIGTTIN, Signals.SIGTTOU })
        {
            Signals.Send(worker, signal);
        }

        server.TryGet("/pid", out string body).ShouldBe(200);
        body.Trim().ShouldBe(worker.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Signals.Send(worker, Signals.SIGUSR1);
        server.WaitForLog("Worker reopening logs (pid: " + worker + ")", Deadline);
        server.TryGet("/pid", out body).ShouldBe(200);
        body.Trim().ShouldBe(worker.ToString(System.Globalization.CultureInfo.InvariantCulture));
        server.WorkerPids().ShouldBe([worker]);
    }
}
