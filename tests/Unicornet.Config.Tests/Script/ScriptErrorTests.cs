namespace Unicornet.Config.Tests.Script;

public sealed class ScriptErrorTests : IDisposable
{
    private readonly ScriptDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Syntax_error_has_file_line_and_column()
    {
        _dir.Write("main.csx",
            "workers = 2;",
            "timeout = 30",
            "keepalive = 5;");
        ConfigException e = _dir.CompileFails();
        e.Location.ShouldBe(new SourceLocation(_dir.Main, 2, 13));
        e.Message.ShouldContain("CS1002");
        e.Subject.ShouldBe("timeout"); // the setting assigned where the error is
        e.Render().ShouldStartWith($"{_dir.Main}:2:13: error: ");
    }

    [Fact]
    public void Wrong_typed_value_names_the_setting_and_its_type()
    {
        _dir.Write("main.csx",
            "timeout = 30;",
            "workers = \"four\";");
        ConfigException e = _dir.CompileFails();
        e.Location.ShouldBe(new SourceLocation(_dir.Main, 2, 11));
        e.Subject.ShouldBe("workers");
        e.Message.ShouldContain("expects int");
        e.Message.ShouldContain("\"four\"");
    }

    [Fact]
    public void Type_error_inside_a_hook_names_the_hook()
    {
        _dir.Write("main.csx",
            "void post_fork(Arbiter server, Worker worker)",
            "{",
            "    int pid = worker.WorkerClass;",
            "}");
        ConfigException e = _dir.CompileFails();
        e.Location.ShouldBe(new SourceLocation(_dir.Main, 3, 15));
        e.Subject.ShouldBe("post_fork");
        e.Message.ShouldContain("CS0029");
    }

    [Fact]
    public void Wrong_hook_signature_shows_the_expected_one()
    {
        _dir.Write("main.csx",
            "workers = 2;",
            "void post_fork(Worker worker) { }");
        ConfigException e = _dir.CompileFails();
        e.Location.ShouldBe(new SourceLocation(_dir.Main, 2, 6));
        e.Subject.ShouldBe("post_fork");
        e.Message.ShouldContain("expected void post_fork(Arbiter server, Worker worker)");
        e.Message.ShouldContain("found void post_fork(Worker worker)");
    }

    [Theory]
    [InlineData("void post_frok(Arbiter server, Worker worker) { }", 6, "post_frok", "post_fork")]
    [InlineData("void on_start(Arbiter server) { }", 6, "on_start", "on_starting")]
    [InlineData("void PostFork(Arbiter server, Worker worker) { }", 6, "PostFork", "post_fork")]
    [InlineData("int when_redy = 3;", 5, "when_redy", "when_ready")]
    public void Misspelled_hook_is_an_error_with_a_suggestion(string line, int column, string name, string meant)
    {
        _dir.Write("main.csx", "workers = 2;", line);
        ConfigException e = _dir.CompileFails();
        e.Location.ShouldBe(new SourceLocation(_dir.Main, 2, column));
        e.Subject.ShouldBe(name);
        e.Message.ShouldContain($"did you mean '{meant}'?");
    }

    [Fact]
    public void Unknown_setting_suggests_the_closest()
    {
        _dir.Write("main.csx",
            "timeout = 30;",
            "  wokers = 4;");
        ConfigException e = _dir.CompileFails();
        e.Location.ShouldBe(new SourceLocation(_dir.Main, 2, 3));
        e.Subject.ShouldBe("wokers");
        e.Message.ShouldBe("unknown setting 'wokers' (did you mean 'workers'?)");
    }

    [Fact]
    public void All_errors_are_reported_together_in_source_order()
    {
        _dir.Write("main.csx",
            "wokers = 4;",
            "void post_frok(Arbiter server, Worker worker) { }",
            "timeout = \"x\";");
        ConfigException e = _dir.CompileFails();
        ConfigException[] all = [e, .. e.Others];
        all.Select(x => (x.Location!.Line, x.Subject)).ShouldBe([(1, "wokers"), (2, "post_frok"), (3, "timeout")]);
    }

    [Fact]
    public void Variable_hiding_a_setting_is_an_error()
    {
        _dir.Write("main.csx", "int workers = 4;");
        ConfigException e = _dir.CompileFails();
        e.Location.ShouldBe(new SourceLocation(_dir.Main, 1, 5));
        e.Subject.ShouldBe("workers");
        e.Message.ShouldContain("assign the setting instead");
    }

    [Fact]
    public void Async_lambda_hook_is_rejected()
    {
        _dir.Write("main.csx", "workers = 2;", "post_worker_init = async worker => await Task.Delay(1);");
        ConfigException e = _dir.CompileFails();
        e.Location.ShouldBe(new SourceLocation(_dir.Main, 2, 1));
        e.Subject.ShouldBe("post_worker_init");
        e.Message.ShouldContain("async Task post_worker_init");
    }

    [Fact]
    public void Nuget_reference_is_rejected_clearly()
    {
        _dir.Write("main.csx",
            "#r \"nuget: Newtonsoft.Json, 13.0.3\"",
            "workers = 2;");
        ConfigException e = _dir.CompileFails();
        e.Location.ShouldBe(new SourceLocation(_dir.Main, 1, 1));
        e.Subject.ShouldBe("#r");
        e.Message.ShouldContain("NuGet references are not supported");
        e.Others.ShouldBeEmpty();
    }

    [Fact]
    public void Bad_value_is_reported_at_its_last_assignment()
    {
        _dir.Write("main.csx",
            "workers = 4;",
            "timeout = 10;",
            "workers = -1;");
        ConfigException e = Should.Throw<ConfigException>(() => _dir.Run());
        e.Location.ShouldBe(new SourceLocation(_dir.Main, 3, 1));
        e.Subject.ShouldBe("workers");
        e.Message.ShouldContain("-1");
    }

    [Fact]
    public void Malformed_bind_is_reported_at_its_assignment()
    {
        _dir.Write("main.csx",
            "workers = 2;",
            "    bind = [\"127.0.0.1:8000\", \"unix:\"];");
        ConfigException e = Should.Throw<ConfigException>(() => _dir.Run());
        e.Location.ShouldBe(new SourceLocation(_dir.Main, 2, 5));
        e.Subject.ShouldBe("bind");
        e.Message.ShouldContain("unix:");
    }

    [Fact]
    public void Exception_while_running_names_the_line_and_the_setting()
    {
        _dir.Write("main.csx",
            "workers = 2;",
            "string raw = \"many\";",
            "  timeout = int.Parse(raw);",
            "keepalive = 3;");
        ConfigException e = Should.Throw<ConfigException>(() => _dir.Run());
        e.Location.ShouldBe(new SourceLocation(_dir.Main, 3, 3));
        e.Subject.ShouldBe("timeout");
        e.Message.ShouldContain("FormatException");
    }
}
