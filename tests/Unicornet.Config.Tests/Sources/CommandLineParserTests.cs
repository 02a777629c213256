using Unicornet.Config.Settings;
using Unicornet.Config.Sources;

namespace Unicornet.Config.Tests.Sources;

public class CommandLineParserTests
{
    [Fact]
    public void Parses_gunicorn_flags_to_typed_values()
    {
        ParsedArguments p = CommandLineParser.Parse(
            ["-w", "4", "-k", "gthread", "--threads=8", "-b", "127.0.0.1:9000", "--bind", "unix:/tmp/x.sock", "--preload", "--no-sendfile", "-m", "0022", "app:App"],
            "command line");

        p.Values["workers"].ShouldBe(4);
        p.Values["worker_class"].ShouldBe("gthread");
        p.Values["threads"].ShouldBe(8);
        ((StringList)p.Values["bind"]!).ShouldBe(["127.0.0.1:9000", "unix:/tmp/x.sock"]);
        p.Values["preload_app"].ShouldBe(true);
        p.Values["sendfile"].ShouldBe(false);
        p.Values["umask"].ShouldBe(18);
        p.Positionals.ShouldBe(["app:App"]);
    }

    [Fact]
    public void A_repeated_single_value_flag_keeps_the_last_value_like_argparse()
    {
        CommandLineParser.Parse(["-w", "2", "-w", "5"], "command line").Values["workers"].ShouldBe(5);
    }

    [Theory]
    [InlineData(new[] { "--proxy-protocol" }, "auto")]
    [InlineData(new[] { "--proxy-protocol", "v2" }, "v2")]
    [InlineData(new[] { "--proxy-protocol=v1" }, "v1")]
    public void Proxy_protocol_takes_an_optional_value(string[] args, string expected)
    {
        ParsedArguments p = CommandLineParser.Parse(args, "command line");
        SettingValues.Normalize(SettingsRegistry.Get("proxy_protocol"), p.Values["proxy_protocol"]).ShouldBe(expected);
        p.Positionals.ShouldBeEmpty();
    }

    [Fact]
    public void Underscore_spelling_of_limit_request_field_size_is_kept()
    {
        CommandLineParser.Parse(["--limit-request-field_size", "100"], "command line").Values["limit_request_field_size"].ShouldBe(100);
    }

    [Theory]
    [InlineData("--error-logfile")]
    [InlineData("--log-file")]
    public void Both_long_spellings_of_errorlog_work(string flag)
    {
        CommandLineParser.Parse([flag, "/tmp/x.log"], "command line").Values["errorlog"].ShouldBe("/tmp/x.log");
    }

    [Fact]
    public void Unknown_flag_is_an_error_naming_the_source()
    {
        ConfigException e = Should.Throw<ConfigException>(() => CommandLineParser.Parse(["--wokers", "3"], "UNICORNET_CMD_ARGS"));
        e.Subject.ShouldBe("UNICORNET_CMD_ARGS");
        e.Message.ShouldContain("--wokers");
    }

    [Fact]
    public void Bad_value_names_the_setting_and_flag()
    {
        ConfigException e = Should.Throw<ConfigException>(() => CommandLineParser.Parse(["--workers", "many"], "command line"));
        e.Subject.ShouldBe("workers (--workers in command line)");
        e.Message.ShouldContain("'many' is not an integer");
    }

    [Fact]
    public void Help_lists_every_gunicorn_flag()
    {
        string help = CommandLineParser.HelpText();
        foreach (SettingDefinition def in SettingsRegistry.All.Where(d => d.Cli != CliKind.None))
        {
            foreach (string flag in def.Flags)
            {
                help.ShouldContain(flag, customMessage: $"--help does not show {flag}");
            }
        }

        help.ShouldContain("--version");
        help.ShouldContain("APP_MODULE");
    }

    [Fact]
    public void Version_and_help_flags_are_recognised()
    {
        CommandLineParser.Parse(["--version"], "command line").ShowVersion.ShouldBeTrue();
        CommandLineParser.Parse(["-v"], "command line").ShowVersion.ShouldBeTrue();
        CommandLineParser.Parse(["-h"], "command line").ShowHelp.ShouldBeTrue();
    }
}
