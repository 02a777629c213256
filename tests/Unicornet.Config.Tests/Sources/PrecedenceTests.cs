using Unicornet.Config.Settings;
using Unicornet.Config.Sources;
using Unicornet.Config.Tests.Support;

namespace Unicornet.Config.Tests.Sources;

public sealed class PrecedenceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("unicornet-precedence-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private UnicornetConfig Resolve(FakeScript script, string[] args, params (string Key, string Value)[] env) =>
        new ConfigResolver(script, script).Resolve(new ConfigRequest(args, env.ToDictionary(e => e.Key, e => e.Value), _dir));

    private string WriteConfig(string name = "unicornet.conf.csx")
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, "// fake\n");
        return path;
    }

    [Fact]
    public void Defaults_apply_when_nothing_is_given()
    {
        UnicornetConfig c = Resolve(new FakeScript(), []);
        c.Options.Worker.Workers.ShouldBe(1);
        c.Options.Listeners.Bind.Single().ToString().ShouldBe("127.0.0.1:8000");
        c.Options.Worker.Timeout.ShouldBe(30);
        c.OriginOf("workers").ShouldBe("default");
        c.Script.ShouldBeNull();
    }

    [Fact]
    public void Environment_defaults_PORT_WEB_CONCURRENCY_FORWARDED_ALLOW_IPS()
    {
        UnicornetConfig c = Resolve(new FakeScript(), [], ("PORT", "5000"), ("WEB_CONCURRENCY", "7"), ("FORWARDED_ALLOW_IPS", "10.0.0.0/8, 192.168.1.1"));
        c.Options.Listeners.Bind.Single().ToString().ShouldBe("0.0.0.0:5000");
        c.Options.Worker.Workers.ShouldBe(7);
        c.Options.Http.ForwardedAllowIps.ShouldBe(["10.0.0.0/8", "192.168.1.1"]);
        c.OriginOf("workers").ShouldBe("environment");
        c.OriginOf("bind").ShouldBe("environment");
        c.OriginOf("timeout").ShouldBe("default");
    }

    [Fact]
    public void Order_is_default_then_file_then_cmd_args_then_command_line()
    {
        WriteConfig();
        var script = new FakeScript(("workers", 2, 1), ("timeout", 40, 2), ("keepalive", 5, 3), ("backlog", 100, 4));
        UnicornetConfig c = Resolve(script, ["--timeout", "50", "--keep-alive", "9"], ("WEB_CONCURRENCY", "3"), ("UNICORNET_CMD_ARGS", "--timeout 45 --backlog 200"));

        c.Options.Worker.Workers.ShouldBe(2);                              // file beats environment default
        c.Resolved("workers").Origin.ShouldBe(SettingOrigin.File);
        c.Resolved("workers").Location!.Line.ShouldBe(1);
        c.Get<int>("backlog").ShouldBe(200);                // env args beat file
        c.OriginOf("backlog").ShouldBe("UNICORNET_CMD_ARGS");
        c.Options.Worker.Timeout.ShouldBe(50);                             // command line beats env args and file
        c.OriginOf("timeout").ShouldBe("command line");
        c.Options.Worker.Keepalive.ShouldBe(9);
        c.OriginOf("graceful_timeout").ShouldBe("default");
    }

    [Fact]
    public void Default_config_file_is_used_only_when_present()
    {
        var script = new FakeScript(("workers", 6, 1));
        Resolve(script, []).Options.Worker.Workers.ShouldBe(1);
        script.Compiles.ShouldBe(0);

        WriteConfig();
        Resolve(script, []).Options.Worker.Workers.ShouldBe(6);
        script.Compiles.ShouldBe(1);
    }

    [Fact]
    public void Config_from_command_line_wins_over_one_in_cmd_args_which_wins_over_the_default_file()
    {
        WriteConfig();
        string fromEnv = WriteConfig("env.conf.csx");
        string fromCli = WriteConfig("cli.conf.csx");
        var script = new FakeScript();

        Resolve(script, [], ("UNICORNET_CMD_ARGS", "-c env.conf.csx")).Get<string>("config").ShouldBe(fromEnv);
        Resolve(script, ["-c", "cli.conf.csx"], ("UNICORNET_CMD_ARGS", "-c env.conf.csx")).Get<string>("config").ShouldBe(fromCli);
        Resolve(script, ["-c", "file:cli.conf.csx"]).Get<string>("config").ShouldBe(fromCli);
    }

    [Fact]
    public void Missing_named_config_file_is_an_error()
    {
        Should.Throw<ConfigException>(() => Resolve(new FakeScript(), ["-c", "nope.csx"])).Subject.ShouldBe("config");
    }

    [Fact]
    public void Positional_app_wins_over_wsgi_app_and_cmd_args_positionals_are_ignored()
    {
        WriteConfig();
        var script = new FakeScript(("wsgi_app", "FromFile:App", 1));
        Resolve(script, []).AppModule.ShouldBe("FromFile:App");
        Resolve(script, ["Cli:App"]).AppModule.ShouldBe("Cli:App");
        Resolve(script, [], ("UNICORNET_CMD_ARGS", "Env:App")).AppModule.ShouldBe("FromFile:App");
    }

    [Fact]
    public void A_bad_value_from_the_file_names_file_line_and_setting()
    {
        string path = WriteConfig();
        ConfigException e = Should.Throw<ConfigException>(() => Resolve(new FakeScript(("workers", -1, 7)), []));
        e.Subject.ShouldBe("workers");
        e.Location.ShouldBe(new SourceLocation(path, 7, 1));
        e.Render().ShouldBe($"{path}:7:1: error: workers: must be a positive integer, got -1");
    }

    [Fact]
    public void A_malformed_bind_from_the_file_is_an_error()
    {
        WriteConfig();
        ConfigException e = Should.Throw<ConfigException>(() => Resolve(new FakeScript(("bind", new StringList(["127.0.0.1:99999"]), 3)), []));
        e.Subject.ShouldBe("bind");
        e.Message.ShouldContain("invalid port");
    }

    [Fact]
    public void A_bad_value_from_cmd_args_names_the_source()
    {
        ConfigException e = Should.Throw<ConfigException>(() => Resolve(new FakeScript(), [], ("UNICORNET_CMD_ARGS", "--workers 0")));
        e.Subject.ShouldBe("workers (--workers in UNICORNET_CMD_ARGS)");
    }

    [Fact]
    public void Command_line_bind_replaces_the_file_bind_list()
    {
        WriteConfig();
        UnicornetConfig c = Resolve(new FakeScript(("bind", new StringList(["127.0.0.1:1", "127.0.0.1:2"]), 1)), ["-b", "127.0.0.1:3"]);
        c.Options.Listeners.Bind.Select(b => b.Port).ShouldBe([3]);
    }

    [Fact]
    public void Sync_with_threads_becomes_gthread_and_is_warned_about()
    {
        UnicornetConfig c = Resolve(new FakeScript(), ["--threads", "4"]);
        c.Options.Worker.WorkerClass.ShouldBe(Unicornet.Config.Options.WorkerClassKind.Gthread);
        ConfigWarnings.For(c).ShouldContain(w => w.Contains("gthread"));
    }

    [Fact]
    public void Not_applicable_settings_are_accepted_with_a_warning()
    {
        WriteConfig();
        UnicornetConfig c = Resolve(new FakeScript(("asgi_loop", "uvloop", 4)), ["--spew"]);
        IReadOnlyList<string> warnings = ConfigWarnings.For(c);
        warnings.ShouldContain(w => w.Contains("'asgi_loop'") && w.Contains(":4:1"));
        warnings.ShouldContain(w => w.Contains("'spew'") && w.Contains("command line"));
    }
}
