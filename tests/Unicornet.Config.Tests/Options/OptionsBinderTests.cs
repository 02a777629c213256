using Unicornet.Config.Options;
using Unicornet.Config.Settings;
using Unicornet.Config.Snapshot;
using Unicornet.Config.Sources;
using Unicornet.Config.Tests.Support;

namespace Unicornet.Config.Tests.Options;

public sealed class OptionsBinderTests : IDisposable
{
    private static readonly Dictionary<string, string> s_noEnvironment = [];

    private readonly string _dir = Directory.CreateTempSubdirectory("unicornet-options-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private UnicornetConfig Resolve(string[] args, params (string Name, object? Value, int Line)[] script)
    {
        if (script.Length > 0)
        {
            File.WriteAllText(Path.Combine(_dir, "unicornet.conf.csx"), "// fake\n");
        }

        var fake = new FakeScript(script);
        return new ConfigResolver(fake, fake).Resolve(new ConfigRequest(args, s_noEnvironment, _dir));
    }

    private static object? RegistryDefault(string name) => SettingsRegistry.Get(name).Default(s_noEnvironment);

    [Fact]
    public void Defaults_come_from_the_registry()
    {
        UnicornetOptions o = Resolve([]).Options;
        o.Worker.Workers.ShouldBe(RegistryDefault("workers"));
        o.Worker.Timeout.ShouldBe(RegistryDefault("timeout"));
        o.Worker.Keepalive.ShouldBe(RegistryDefault("keepalive"));
        o.Worker.WorkerConnections.ShouldBe(RegistryDefault("worker_connections"));
        o.Worker.WorkerClassName.ShouldBe(RegistryDefault("worker_class"));
        o.Http.HeaderReadTimeout.ShouldBe(RegistryDefault("header_read_timeout"));
        o.Http.LimitRequestLine.ShouldBe(RegistryDefault("limit_request_line"));
        o.Http.ForwardedAllowIps.ShouldBe((StringList)RegistryDefault("forwarded_allow_ips")!);
        o.Http.RootPath.ShouldBe(RegistryDefault("root_path"));
        o.Kestrel.Http2MaxFrameSize.ShouldBe(RegistryDefault("http2_max_frame_size"));
        o.Dirty.Timeout.ShouldBe(RegistryDefault("dirty_timeout"));
        o.Control.Mode.ShouldBe(RegistryDefault("control_socket_mode"));
        o.Logging.ErrorLog.ShouldBe(RegistryDefault("errorlog"));
        o.Logging.LogLevelName.ShouldBe(RegistryDefault("loglevel"));
        o.Arbiter.BootTimeout.ShouldBe(RegistryDefault("boot_timeout"));

        // The static defaults are the same binding of the same registry.
        UnicornetOptions.Defaults.Worker.ShouldBe(o.Worker with { PythonPath = UnicornetOptions.Defaults.Worker.PythonPath, Environment = UnicornetOptions.Defaults.Worker.Environment });
    }

    [Fact]
    public void Options_are_bound_once_and_kept_by_a_hook_rebind()
    {
        UnicornetConfig c = Resolve([]);
        c.Options.ShouldBeSameAs(c.Options);
        c.WithHooks(Unicornet.Config.Hooks.HookSet.Empty).Options.ShouldBeSameAs(c.Options);
    }

    [Theory]
    [InlineData("sync", "1", WorkerClassKind.Sync)]
    [InlineData("sync", "2", WorkerClassKind.Gthread)]
    [InlineData("gthread", "1", WorkerClassKind.Gthread)]
    [InlineData("async", "4", WorkerClassKind.Async)]
    [InlineData("gevent", "1", WorkerClassKind.Async)]
    [InlineData("uvicorn", "1", WorkerClassKind.Async)]
    [InlineData("asgi", "1", WorkerClassKind.Async)]
    [InlineData("Kestrel", "3", WorkerClassKind.Kestrel)]
    public void Worker_class_aliases_and_the_threads_rule(string given, string threads, WorkerClassKind expected)
    {
        WorkerProcessOptions o = Resolve(["-k", given, "--threads", threads]).Options.Worker;
        o.WorkerClass.ShouldBe(expected);
        o.WorkerClassName.ShouldBe(ChoiceText.Of(expected));
    }

    [Fact]
    public void Choices_are_parsed_with_their_aliases()
    {
        UnicornetOptions o = Resolve(["--proxy-protocol", "true", "--http2-cleartext", "1", "--header-map", "REFUSE", "--log-level", "Warning", "--reload-engine", "poll"]).Options;
        o.Http.ProxyProtocol.ShouldBe(ProxyProtocolMode.Auto);
        o.Kestrel.Http2Cleartext.ShouldBe(Http2CleartextMode.PriorKnowledge);
        o.Http.HeaderMap.ShouldBe(HeaderMapMode.Refuse);
        o.Logging.LogLevel.ShouldBe(ErrorLogLevel.Warning);
        o.Arbiter.ReloadEngine.ShouldBe(ReloadEngineKind.Poll);

        Resolve(["--proxy-protocol"]).Options.Http.ProxyProtocol.ShouldBe(ProxyProtocolMode.Auto);
        Resolve(["--proxy-protocol", "none"]).Options.Http.ProxyProtocol.ShouldBe(ProxyProtocolMode.Off);
        Resolve(["--http2-cleartext", "false"]).Options.Kestrel.Http2Cleartext.ShouldBe(Http2CleartextMode.Off);
        Resolve(["--cert-reqs", "2"]).Options.Ssl.CertReqs.ShouldBe(ClientCertificateRequirement.Required);
    }

    [Fact]
    public void The_stored_value_stays_the_canonical_spelling()
    {
        UnicornetConfig c = Resolve(["-k", "gevent", "--proxy-protocol", "1"]);
        c.Get<string>("worker_class").ShouldBe("async");
        c.Get<string>("proxy_protocol").ShouldBe("auto");
    }

    [Theory]
    [InlineData("header_map", "keep", "must be one of drop, refuse, dangerous, got 'keep'")]
    [InlineData("proxy_protocol", "v3", "must be off, v1, v2 or auto, got 'v3'")]
    [InlineData("http2_cleartext", "maybe", "must be off, prior-knowledge, upgrade or both, got 'maybe'")]
    [InlineData("loglevel", "loud", "must be one of debug, info, warning, error, critical, got 'loud'")]
    [InlineData("worker_class", "eventlet", "'eventlet' is not a worker class (sync, gthread, async, kestrel)")]
    [InlineData("worker_class", "myapp.workers:Custom", "'myapp.workers:Custom': custom worker classes are not supported; use sync, gthread, async or kestrel")]
    public void An_invalid_choice_names_file_line_column_and_setting(string name, string value, string message)
    {
        ConfigException e = Should.Throw<ConfigException>(() => Resolve([], (name, value, 6)));
        string path = Path.Combine(_dir, "unicornet.conf.csx");
        e.Location.ShouldBe(new SourceLocation(path, 6, 1));
        e.Subject.ShouldBe(name);
        e.Render().ShouldBe($"{path}:6:1: error: {name}: {message}");
    }

    [Fact]
    public void An_invalid_choice_on_the_command_line_names_the_flag()
    {
        ConfigException e = Should.Throw<ConfigException>(() => Resolve(["--header-map", "keep"]));
        e.Subject.ShouldBe("header_map (--header-map in command line)");
    }

    [Fact]
    public void A_snapshot_that_bypassed_validation_fails_in_the_binder_with_the_setting_named()
    {
        string path = Path.Combine(_dir, "snapshot.json");
        ConfigSnapshot.Write(Resolve([]), path);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"drop\"", "\"keep\"", StringComparison.Ordinal));
        ConfigException e = Should.Throw<ConfigException>(() => ConfigSnapshot.Read(path));
        e.Subject.ShouldBe("header_map");
        e.Message.ShouldContain("got 'keep'");
    }

    [Theory]
    [InlineData(null, new string[0])]
    [InlineData("", new string[0])]
    [InlineData("/opt/app", new[] { "/opt/app" })]
    [InlineData(" /opt/a , ,/opt/b,", new[] { "/opt/a", "/opt/b" })]
    public void Pythonpath_is_split_once_on_commas_trimmed_without_empty_entries(string? value, string[] expected)
    {
        string[] args = value is null ? [] : ["--pythonpath", value];
        Resolve(args).Options.Worker.PythonPath.ShouldBe(expected);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("/srv/app", "/srv/app")]
    public void Chdir_empty_means_unchanged_as_in_gunicorn(string? value, string? expected)
    {
        UnicornetConfig c = value is null ? Resolve([]) : Resolve([], ("chdir", value, 1));
        c.Options.Worker.Chdir.ShouldBe(expected);
    }

    [Fact]
    public void Raw_env_becomes_name_value_pairs_split_at_the_first_equals()
    {
        Resolve(["-e", "A=1", "-e", "B=x=y"]).Options.Worker.Environment
            .ShouldBe([new KeyValuePair<string, string>("A", "1"), new KeyValuePair<string, string>("B", "x=y")]);
    }

    [Fact]
    public void A_worker_binds_the_same_options_from_its_snapshot()
    {
        UnicornetConfig master = Resolve(["-k", "sync", "--threads", "3", "--pythonpath", "a, b", "--proxy-protocol", "v2", "--http2-cleartext", "both", "--header-map", "dangerous", "--chdir", "/srv"]);
        string path = Path.Combine(_dir, "snapshot.json");
        ConfigSnapshot.Write(master, path);
        UnicornetOptions worker = ConfigSnapshot.Read(path).Options;

        worker.Worker.WorkerClass.ShouldBe(WorkerClassKind.Gthread);
        worker.Worker.PythonPath.ShouldBe(["a", "b"]);
        worker.Worker.Chdir.ShouldBe("/srv");
        worker.Http.ProxyProtocol.ShouldBe(ProxyProtocolMode.V2);
        worker.Http.HeaderMap.ShouldBe(HeaderMapMode.Dangerous);
        worker.Kestrel.Http2Cleartext.ShouldBe(Http2CleartextMode.Both);
        worker.Worker.Threads.ShouldBe(master.Options.Worker.Threads);
        worker.Listeners.Bind.Select(b => b.ToString()).ShouldBe(master.Options.Listeners.Bind.Select(b => b.ToString()));
    }
}
