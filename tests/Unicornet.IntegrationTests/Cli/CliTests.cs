using Unicornet.IntegrationTests.Support;

namespace Unicornet.IntegrationTests.Cli;

/// <summary>The unicornet command itself: version, help, --print-config and --check-config, with real scripts.</summary>
public sealed class CliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("unicornet-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private CommandResult Unicornet(string[] args, IDictionary<string, string?>? env = null)
    {
        var environment = new Dictionary<string, string?> { ["XDG_CACHE_HOME"] = Path.Combine(_dir, "cache") };
        if (env is not null)
        {
            foreach ((string k, string? v) in env)
            {
                environment[k] = v;
            }
        }

        return CommandRunner.Run(Binaries.Unicornet, args, _dir, environment);
    }

    private string Write(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Version_prints_the_version()
    {
        CommandResult r = Unicornet(["--version"]);
        r.ExitCode.ShouldBe(0);
        r.StdOut.Trim().ShouldMatch(@"^unicornet \(version \d+\.\d+\.\d+.*\)$");
    }

    [Fact]
    public void Help_lists_gunicorn_flags()
    {
        CommandResult r = Unicornet(["--help"]);
        r.ExitCode.ShouldBe(0);
        foreach (string flag in new[] { "--bind", "--workers", "--worker-class", "--threads", "--timeout", "--graceful-timeout", "--max-requests", "--preload", "--access-logfile", "--error-logfile", "--log-level", "--proxy-protocol", "--limit-request-line", "--certfile", "--dirty-app", "--control-socket", "--check-config", "--print-config" })
        {
            r.StdOut.ShouldContain(flag);
        }
    }

    [Fact]
    public void Print_config_shows_values_and_origins_from_every_source()
    {
        Write("unicornet.conf.csx", "workers = 3;\ntimeout = 40;\nkeepalive = 7;\n");
        CommandResult r = Unicornet(["--print-config", "--timeout", "50"], new Dictionary<string, string?>
        {
            ["UNICORNET_CMD_ARGS"] = "--keep-alive 9 --backlog 64",
            ["FORWARDED_ALLOW_IPS"] = "10.0.0.1",
        });

        r.ExitCode.ShouldBe(0, r.Output);
        string conf = Path.Combine(_dir, "unicornet.conf.csx");
        r.StdOut.ShouldMatch($@"(?m)^workers\s+= 3  \[file {System.Text.RegularExpressions.Regex.Escape(conf)}:1:1\]$");
        r.StdOut.ShouldMatch(@"(?m)^timeout\s+= 50  \[command line\]$");
        r.StdOut.ShouldMatch(@"(?m)^keepalive\s+= 9  \[UNICORNET_CMD_ARGS\]$");
        r.StdOut.ShouldMatch(@"(?m)^backlog\s+= 64  \[UNICORNET_CMD_ARGS\]$");
        r.StdOut.ShouldMatch(@"(?m)^forwarded_allow_ips\s+= \['10.0.0.1'\]  \[environment\]$");
        r.StdOut.ShouldMatch(@"(?m)^graceful_timeout\s+= 30  \[default\]$");
    }

    [Fact]
    public void The_commented_sample_passes_check_config()
    {
        CommandResult r = CommandRunner.Run(Binaries.Unicornet, ["-c", Path.Combine(Binaries.RepoRoot, "config-samples", "unicornet.conf.csx"), "--check-config"], _dir,
            new Dictionary<string, string?> { ["XDG_CACHE_HOME"] = Path.Combine(_dir, "cache") });
        r.ExitCode.ShouldBe(0, r.Output);
    }

    [Theory]
    [InlineData("workers = 2\ntimeout = 3;\n", ":1:", "error")]
    [InlineData("workers = \"four\";\n", ":1:", "workers")]
    [InlineData("workers = -1;\n", ":1:", "workers")]
    [InlineData("wokers = 2;\n", ":1:", "wokers")]
    [InlineData("bind = \"127.0.0.1:99999\";\n", ":1:", "bind")]
    [InlineData("\nvoid post_frok(Arbiter server, Worker worker) { }\n", ":2:", "post_fork")]
    [InlineData("\n\nvoid post_fork(Worker worker) { }\n", ":3:", "post_fork")]
    [InlineData("timeout = 5;\nthrow new InvalidOperationException(\"boom\");\n", ":2:", "boom")]
    [InlineData("worker_class = \"kestrel\";\nprotocol = \"uwsgi\";\n", ":2:", "protocol: 'uwsgi' is not available on the kestrel worker class")]
    [InlineData("protocol = \"uwsgi\";\nproxy_protocol = \"v1\";\n", ":2:", "proxy_protocol: cannot be combined with protocol = \"uwsgi\"")]
    public void Config_errors_exit_1_naming_file_line_and_subject(string script, string line, string subject)
    {
        string conf = Write("bad.conf.csx", script);
        CommandResult r = Unicornet(["-c", conf, "--check-config"]);
        r.ExitCode.ShouldBe(1, r.Output);
        r.StdErr.ShouldContain(conf + line);
        r.StdErr.ShouldContain(subject);
    }

    [Fact]
    public void The_kestrel_class_refuses_uwsgi_at_check_config()
    {
        CommandResult r = Unicornet(["-k", "kestrel", "--protocol", "uwsgi", "--check-config"]);
        r.ExitCode.ShouldBe(1, r.Output);
        r.StdErr.ShouldContain("protocol: 'uwsgi' is not available on the kestrel worker class");
        r.StdErr.ShouldContain("protocol from the command line, worker_class from the command line");
        Unicornet(["-k", "gthread", "--protocol", "uwsgi", "--check-config", ServerProcess.TestAppPath + ":App.Invoke"]).ExitCode.ShouldBe(0);

        // The PROXY protocol means the same on every class, kestrel included.
        CommandResult proxy = Unicornet(["-k", "kestrel", "--proxy-protocol", "v2", "--check-config", ServerProcess.TestAppPath + ":App.Invoke"]);
        proxy.ExitCode.ShouldBe(0, proxy.Output);
    }

    [Fact]
    public void A_bad_command_line_value_exits_1_naming_the_flag()
    {
        CommandResult r = Unicornet(["--workers", "0", "--check-config"]);
        r.ExitCode.ShouldBe(1);
        r.StdErr.ShouldContain("--workers");
        r.StdErr.ShouldContain("positive integer");
    }

    [Fact]
    public void Check_config_fails_for_an_app_that_cannot_load()
    {
        CommandResult r = Unicornet(["--check-config", "NoSuchAssembly:App"]);
        r.ExitCode.ShouldBe(1);
        r.StdErr.ShouldContain("NoSuchAssembly");
    }

    [Fact]
    public void Load_directive_pulls_in_another_script()
    {
        Write("common.csx", "int Base = 2;\n");
        Write("unicornet.conf.csx", "#load \"common.csx\"\nworkers = Base * 2;\n");
        CommandResult r = Unicornet(["--print-config"]);
        r.ExitCode.ShouldBe(0, r.Output);
        r.StdOut.ShouldMatch(@"(?m)^workers\s+= 4  \[file ");
    }
}
