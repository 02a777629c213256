using System.Net.Security;
using Unicornet.Config.Hooks;
using Unicornet.Config.Script;

namespace Unicornet.Config.Tests.Script;

public sealed class HookBindingTests : IDisposable
{
    private readonly ScriptDir _dir = new();
    private readonly FakeLog _log = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Hooks_are_bound_and_get_typed_arguments()
    {
        _dir.Write("main.csx",
            "void post_fork(Arbiter server, Worker worker)",
            "{",
            "    worker.Log.Info(\"forked {Pid} from {Master} workers={Workers}\", worker.Pid, server.Pid, server.Cfg[\"workers\"]);",
            "}",
            "void nworkers_changed(Arbiter server, int new_value, int? old_value) => server.Log.Info(\"n {New} {Old}\", new_value, old_value);");
        HookSet hooks = _dir.Run().Hooks;
        hooks.Defined.Order().ShouldBe(["nworkers_changed", "post_fork"]);
        hooks.Invoke(HookNames.PostFork, new FakeArbiter(_log), new FakeWorker(_log, 77));
        hooks.Invoke(HookNames.NworkersChanged, new FakeArbiter(_log), 3, null);
        _log.Entries.Select(e => (e.Template, string.Join(",", e.Args))).ShouldBe(
        [
            ("forked {Pid} from {Master} workers={Workers}", "77,4242,2"),
            ("n {New} {Old}", "3,"),
        ]);
    }

    [Fact]
    public void Lambda_hooks_work_beside_method_hooks()
    {
        _dir.Write("main.csx",
            "pre_fork = (server, worker) => server.Log.Info(\"lambda pre_fork {Pid}\", worker.Pid);",
            "workers = 2;",
            "void post_fork(Arbiter server, Worker worker) => worker.Log.Info(\"method post_fork\");",
            "on_exit += server => server.Log.Info(\"exit 1\");",
            "on_exit += server => server.Log.Info(\"exit 2\");");
        CompiledScript compiled = _dir.Compile();
        compiled.Hooks["pre_fork"].ShouldBe(new SourceLocation(_dir.Main, 1, 1));
        compiled.Hooks["post_fork"].ShouldBe(new SourceLocation(_dir.Main, 3, 6));
        HookSet hooks = new ConfigScriptRunner().Run(compiled, new Dictionary<string, string>()).Hooks;
        hooks.Invoke(HookNames.PreFork, new FakeArbiter(_log), new FakeWorker(_log, 12));
        hooks.Invoke(HookNames.PostFork, new FakeArbiter(_log), new FakeWorker(_log, 12));
        hooks.Invoke(HookNames.OnExit, new FakeArbiter(_log));
        _log.Entries.Select(e => e.Template).ShouldBe(["lambda pre_fork {Pid}", "method post_fork", "exit 1", "exit 2"]);
    }

    [Fact]
    public void Hook_defined_as_method_and_lambda_is_a_clear_error()
    {
        _dir.Write("main.csx",
            "void post_fork(Arbiter server, Worker worker) { }",
            "post_fork = (server, worker) => { };");
        ConfigException e = _dir.CompileFails();
        e.Location.ShouldBe(new SourceLocation(_dir.Main, 2, 1));
        e.Subject.ShouldBe("post_fork");
        e.Message.ShouldContain("keep one");
    }

    [Fact]
    public void Throwing_hook_is_logged_with_its_script_line()
    {
        _dir.Write("main.csx",
            "workers = 2;",
            "void pre_fork(Arbiter server, Worker worker)",
            "{",
            "    if (worker.Pid == 0)",
            "    {",
            "        throw new InvalidOperationException(\"boom\");",
            "    }",
            "}");
        HookSet hooks = _dir.Run().Hooks;
        hooks.UseLog(_log);
        hooks.Invoke(HookNames.PreFork, new FakeArbiter(_log), new FakeWorker(_log, 0)); // LogAndContinue: no throw
        var entry = _log.Entries.ShouldHaveSingleItem();
        entry.Level.ShouldBe("exception");
        entry.Error.ShouldBeOfType<InvalidOperationException>().Message.ShouldBe("boom");
        entry.Args.ShouldBe(["pre_fork", $"{_dir.Main}:6:9"]);
    }

    [Fact]
    public void Throwing_boot_hook_fails_with_its_location()
    {
        _dir.Write("main.csx", "void post_worker_init(Worker worker) => throw new IOException(\"disk\");");
        HookSet hooks = _dir.Run().Hooks;
        hooks.UseLog(_log);
        HookFailedException e = Should.Throw<HookFailedException>(() => hooks.Invoke(HookNames.PostWorkerInit, new FakeWorker(_log, 5)));
        e.Location!.Path.ShouldBe(_dir.Main);
        e.Location.Line.ShouldBe(1);
    }

    [Fact]
    public void Task_returning_hook_is_awaited()
    {
        _dir.Write("main.csx",
            "async Task post_worker_init(Worker worker)",
            "{",
            "    await Task.Delay(50);",
            "    worker.Log.Info(\"after await\");",
            "}");
        HookSet hooks = _dir.Run().Hooks;
        hooks.Invoke(HookNames.PostWorkerInit, new FakeWorker(_log, 5));
        _log.Entries.ShouldHaveSingleItem().Template.ShouldBe("after await");
    }

    [Fact]
    public void Post_request_variants_are_adapted_from_the_canonical_arguments()
    {
        _dir.Write("a.csx", "void post_request(Worker worker, Request req) => worker.Log.Info(\"two {Path}\", req.Path);");
        _dir.Write("b.csx", "void post_request(Worker worker, Request req, IReadOnlyDictionary<string, object?> environ, Response resp) => worker.Log.Info(\"four {Path} {Agent} {Status}\", environ[\"PATH_INFO\"], environ[\"HTTP_USER_AGENT\"], resp.Status);");
        _dir.Write("c.csx", "void post_request(Worker worker, Request req, Response resp) => worker.Log.Info(\"three {Status}\", resp.Status);");
        object?[] canonical = [new FakeWorker(_log, 1), new FakeRequest(), new FakeResponse()];
        foreach (string script in new[] { "a.csx", "b.csx", "c.csx" })
        {
            _dir.Run(script).Hooks.Invoke(HookNames.PostRequest, canonical);
        }

        _log.Entries.Select(e => e.Template.Split(' ')[0] + " " + string.Join(",", e.Args)).ShouldBe(["two /hello", "four /hello,t,204", "three 204"]);
    }

    [Fact]
    public void Ssl_context_hook_returns_its_value()
    {
        _dir.Write("main.csx",
            "SslServerAuthenticationOptions ssl_context(ISettings config, Func<SslServerAuthenticationOptions> default_ssl_context_factory)",
            "{",
            "    var options = default_ssl_context_factory();",
            "    options.AllowRenegotiation = false;",
            "    return options;",
            "}");
        HookSet hooks = _dir.Run().Hooks;
        var made = new SslServerAuthenticationOptions { AllowRenegotiation = true };
        SslServerAuthenticationOptions got = hooks.Call(HookNames.SslContext, () => new SslServerAuthenticationOptions(), new FakeSettings(), (Func<SslServerAuthenticationOptions>)(() => made));
        got.ShouldBeSameAs(made);
        got.AllowRenegotiation.ShouldBeFalse();
    }
}
