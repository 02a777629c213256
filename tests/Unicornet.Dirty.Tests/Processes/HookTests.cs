using Unicornet.Config.Compiler;
using Unicornet.Config.Script;
using Unicornet.Dirty.Client;
using Unicornet.Dirty.Tests.Infrastructure;
using Unicornet.Platform;

namespace Unicornet.Dirty.Tests.Processes;

/// <summary>The four dirty hooks, from a real compiled config script, run in the right processes.</summary>
public sealed class HookTests
{
    [Fact]
    public async Task Dirty_hooks_run_where_they_belong_and_post_fork_runs_in_the_child()
    {
        string dir = Directory.CreateTempSubdirectory("dirty-hooks-").FullName;
        string marks = Path.Combine(dir, "marks.txt");
        string script = Path.Combine(dir, "unicornet.conf.csx");
        string m = marks.Replace("\\", "\\\\", StringComparison.Ordinal);
        File.WriteAllText(script, $$"""
            void on_dirty_starting(DirtyArbiter arbiter) =>
                System.IO.File.AppendAllText("{{m}}", $"starting {arbiter.Pid} {System.Environment.ProcessId}\n");
            void dirty_post_fork(DirtyArbiter arbiter, DirtyWorker worker) =>
                System.IO.File.AppendAllText("{{m}}", $"post_fork {worker.Pid} {System.Environment.ProcessId} {arbiter.Pid} {worker.Age}\n");
            void dirty_worker_init(DirtyWorker worker) =>
                System.IO.File.AppendAllText("{{m}}", $"init {worker.Pid} {System.Environment.ProcessId} {worker.Apps.Count}\n");
            void dirty_worker_exit(DirtyArbiter arbiter, DirtyWorker worker) =>
                System.IO.File.AppendAllText("{{m}}", $"exit {worker.Pid} {System.Environment.ProcessId}\n");
            """);
        CompiledScript compiled = new InProcessCompiler().Compile(script, Path.Combine(dir, "cache"));
        try
        {
            await using DirtyCluster cluster = await DirtyCluster.StartAsync(workers: 1, apps: [TestConfig.EchoApp], script: compiled);
            int arbiter = cluster.Supervisor.Pid!.Value;
            DirtyClient client = cluster.NewClient();
            int worker = await client.ExecuteAsync<int>(TestConfig.EchoApp, "Pid");
            Signals.Send(worker, Signals.SIGKILL);
            Eventually.Poll(() => File.Exists(marks) && File.ReadAllText(marks).Contains("exit ", StringComparison.Ordinal), TimeSpan.FromSeconds(20));

            string[] lines = File.ReadAllLines(marks);
            lines.ShouldContain($"starting {arbiter} {arbiter}");
            lines.ShouldContain($"post_fork {worker} {worker} {arbiter} 1");   // in the dirty worker itself
            lines.ShouldContain($"init {worker} {worker} 1");
            lines.ShouldContain($"exit {worker} {arbiter}");                  // in the dirty arbiter
            Array.FindIndex(lines, l => l.StartsWith("post_fork", StringComparison.Ordinal))
                .ShouldBeLessThan(Array.FindIndex(lines, l => l.StartsWith("init", StringComparison.Ordinal)));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
