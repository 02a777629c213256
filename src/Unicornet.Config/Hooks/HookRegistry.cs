using System.Collections.Frozen;
using System.Net.Security;
using static Unicornet.Config.Hooks.HookNames;

namespace Unicornet.Config.Hooks;

/// <summary>The 20 hooks of gunicorn 26 (16 server hooks, 4 dirty ones) with their typed C# signatures.</summary>
public static class HookRegistry
{
    /// <summary>All hooks in gunicorn's documentation order.</summary>
    public static IReadOnlyList<HookDefinition> All { get; } = Build();

    private static readonly FrozenDictionary<string, HookDefinition> s_byName = All.ToFrozenDictionary(h => h.Name, StringComparer.Ordinal);

    /// <summary>The hook called <paramref name="name"/>, or null.</summary>
    public static HookDefinition? Find(string name) => s_byName.GetValueOrDefault(name);

    private static HookSignature Sig(params (Type, string)[] p) => new(p, typeof(void));

    private static HookDefinition H(string name, string process, string when, HookFailurePolicy policy, params HookSignature[] sigs) =>
        new() { Name = name, Process = process, When = when, Policy = policy, Signatures = sigs, Dirty = name.Contains("dirty", StringComparison.Ordinal) };

    private static List<HookDefinition> Build()
    {
        (Type, string) server = (typeof(Arbiter), "server");
        (Type, string) worker = (typeof(Worker), "worker");
        (Type, string) req = (typeof(Request), "req");
        (Type, string) resp = (typeof(Response), "resp");
        (Type, string) environ = (typeof(IReadOnlyDictionary<string, object?>), "environ");
        (Type, string) dirtyArbiter = (typeof(DirtyArbiter), "arbiter");
        (Type, string) dirtyWorker = (typeof(DirtyWorker), "worker");
        const HookFailurePolicy Log = HookFailurePolicy.LogAndContinue;
        return
        [
            H(OnStarting, "master", "before the listeners are bound, after the pidfile is written", HookFailurePolicy.AbortStartup, Sig(server)),
            H(OnReload, "master", "on HUP, after the new config is compiled and before new workers start", Log, Sig(server)),
            H(WhenReady, "master", "once the listeners are bound (and the dirty arbiter started), before the first workers", HookFailurePolicy.AbortStartup, Sig(server)),
            H(PreFork, "master", "just before each worker process is started", Log, Sig(server, worker)),
            H(PostFork, "worker", "first thing in a new worker, before the app loads", HookFailurePolicy.FailWorkerBoot, Sig(server, worker)),
            H(PostWorkerInit, "worker", "after the app loaded, before the worker serves", HookFailurePolicy.FailWorkerBoot, Sig(worker)),
            H(WorkerInt, "worker", "when the worker gets INT or QUIT (quick exit)", Log, Sig(worker)),
            H(WorkerAbort, "worker", "when the worker gets ABRT, which the master sends on timeout", Log, Sig(worker)),
            H(PreExec, "master", "on USR2, just before the new master is started", Log, Sig(server)),
            H(PreRequest, "worker", "before each request is handled", Log, Sig(worker, req)),
            H(PostRequest, "worker", "after each request, even when the app failed", Log,
                Sig(worker, req, resp), Sig(worker, req), Sig(worker, req, environ, resp)),
            H(ChildExit, "master", "after a worker process exited", Log, Sig(server, worker)),
            H(WorkerExit, "worker", "in the worker when its serving loop ended", Log, Sig(server, worker)),
            H(NworkersChanged, "master", "whenever the target number of workers changes (old_value is null at start)", Log,
                Sig(server, (typeof(int), "new_value"), (typeof(int?), "old_value"))),
            H(OnExit, "master", "just before the master exits", Log, Sig(server)),
            new HookDefinition
            {
                Name = SslContext,
                Process = "worker",
                When = "once per worker, when the TLS options are built",
                Policy = HookFailurePolicy.FailWorkerBoot,
                Signatures =
                [
                    new HookSignature([(typeof(ISettings), "config"), (typeof(Func<SslServerAuthenticationOptions>), "default_ssl_context_factory")], typeof(SslServerAuthenticationOptions)),
                ],
            },
            H(OnDirtyStarting, "dirty arbiter", "when the dirty arbiter starts, before its loop", Log, Sig(dirtyArbiter)),
            H(DirtyPostFork, "dirty worker", "first thing in a new dirty worker, before its apps load", HookFailurePolicy.FailWorkerBoot, Sig(dirtyArbiter, dirtyWorker)),
            H(DirtyWorkerInit, "dirty worker", "after the dirty worker's apps were created and initialised", HookFailurePolicy.FailWorkerBoot, Sig(dirtyWorker)),
            H(DirtyWorkerExit, "dirty arbiter", "after a dirty worker exited", Log, Sig(dirtyArbiter, dirtyWorker)),
        ];
    }
}
