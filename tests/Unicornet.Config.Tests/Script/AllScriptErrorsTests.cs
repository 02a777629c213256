namespace Unicornet.Config.Tests.Script;

/// <summary>A script's errors come in one run, whatever their kind (issue 12).</summary>
public sealed class AllScriptErrorsTests : IDisposable
{
    private readonly ScriptDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_bad_constant_value_is_reported_with_the_compile_errors()
    {
        _dir.Write("main.csx",
            "workers = -1;",
            "timeout = 30.5;",
            "worker_clas = \"sync\";",
            "void post_fork(Arbiter server) { }");
        ConfigException e = _dir.CompileFails();
        ConfigException[] all = [e, .. e.Others];
        all.Select(x => (x.Location!.Line, x.Subject)).ShouldBe([(1, "workers"), (2, "timeout"), (3, "worker_clas"), (4, "post_fork")]);
        all[0].Render().ShouldStartWith($"{_dir.Main}:1:1: error: workers: ");
    }

    [Fact]
    public void A_value_that_may_not_reach_the_setting_is_left_to_the_run()
    {
        // Replaced later, or assigned in a branch: only running the script can tell.
        _dir.Write("main.csx",
            "workers = -1;",
            "workers = 2;",
            "if (Environment.ProcessorCount > 1000) { threads = -5; }",
            "timeout = 30.5;");
        ConfigException e = _dir.CompileFails();
        ConfigException[] all = [e, .. e.Others];
        all.Select(x => x.Subject).ShouldBe(["timeout"]);
    }
}
