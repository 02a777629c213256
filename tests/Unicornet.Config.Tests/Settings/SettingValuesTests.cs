using Unicornet.Config.Settings;

namespace Unicornet.Config.Tests.Settings;

public class SettingValuesTests
{
    private static object? N(string name, object? value) => SettingValues.Normalize(SettingsRegistry.Get(name), value);

    [Theory]
    [InlineData("0022", 18)]
    [InlineData("022", 18)]
    [InlineData("0o22", 18)]
    [InlineData("0x12", 18)]
    [InlineData("18", 18)]
    [InlineData("0", 0)]
    public void Umask_accepts_gunicorn_number_forms(string raw, int expected)
    {
        N("umask", SettingValues.FromString(SettingsRegistry.Get("umask"), raw)).ShouldBe(expected);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(-5, 8190)]
    [InlineData(9000, 8190)]
    [InlineData(100, 100)]
    public void Limit_request_line_is_clamped_like_gunicorn(int given, int expected) => N("limit_request_line", given).ShouldBe(expected);

    [Theory]
    [InlineData(0, 8190)]
    [InlineData(-1, 8190)]
    [InlineData(20000, 20000)]
    public void Limit_request_field_size_zero_means_default_not_unlimited(int given, int expected) => N("limit_request_field_size", given).ShouldBe(expected);

    [Theory]
    [InlineData(0, 32768)]
    [InlineData(40000, 32768)]
    [InlineData(50, 50)]
    public void Limit_request_fields_is_clamped(int given, int expected) => N("limit_request_fields", given).ShouldBe(expected);

    [Theory]
    [InlineData("127.0.0.1:8000")]
    [InlineData("0.0.0.0")]
    [InlineData("localhost:80")]
    [InlineData("[::1]:8000")]
    [InlineData("[::]")]
    [InlineData("unix:/run/app.sock")]
    [InlineData("unix:///run/app.sock")]
    [InlineData("fd://3")]
    public void Valid_binds(string bind)
    {
        Should.NotThrow(() => N("bind", bind));
    }

    [Theory]
    [InlineData("127.0.0.1:99999", "invalid port")]
    [InlineData("::1:8000", "brackets")]
    [InlineData("[::1:8000", "unterminated")]
    [InlineData("unix:", "no socket path")]
    [InlineData("fd://x", "file descriptor")]
    [InlineData("host name:80", "invalid host")]
    [InlineData(":80", "no host")]
    public void Malformed_binds_say_why(string bind, string reason)
    {
        Should.Throw<SettingValueException>(() => N("bind", bind)).Message.ShouldContain(reason);
    }

    [Fact]
    public void Bind_parses_to_typed_addresses()
    {
        BindAddress.Parse("[::1]:9000").ShouldBe(new BindAddress(BindKind.Tcp, "::1", 9000, null, -1));
        BindAddress.Parse("0.0.0.0").Port.ShouldBe(8000);
        BindAddress.Parse("unix:/x.sock").Path.ShouldBe("/x.sock");
        BindAddress.Parse("fd://7").Fd.ShouldBe(7);
    }

    [Theory]
    [InlineData("asgi", "async")]
    [InlineData("gevent", "async")]
    [InlineData("GTHREAD", "gthread")]
    [InlineData("kestrel", "kestrel")]
    public void Worker_class_aliases(string given, string expected) => N("worker_class", given).ShouldBe(expected);

    [Fact]
    public void Unknown_worker_class_is_refused()
    {
        Should.Throw<SettingValueException>(() => N("worker_class", "eventlet")).Message.ShouldContain("not a worker class");
    }

    [Fact]
    public void Comma_lists_split_from_a_string_or_items()
    {
        N("forwarded_allow_ips", "10.0.0.0/8, 127.0.0.1").ShouldBe(new StringList(["10.0.0.0/8", "127.0.0.1"]));
        N("http_protocols", new StringList(["h2,h1"])).ShouldBe(new StringList(["h2", "h1"]));
        Should.Throw<SettingValueException>(() => N("forwarded_allow_ips", "10.0.0.0/33"));
        Should.Throw<SettingValueException>(() => N("http_protocols", "h4"));
    }

    [Fact]
    public void Script_values_are_converted_or_refused_with_the_type()
    {
        N("workers", 3L).ShouldBe(3);
        Should.Throw<SettingValueException>(() => N("workers", "four")).Message.ShouldContain("'four' is not an integer");
        Should.Throw<SettingValueException>(() => N("reload", 3)).Message.ShouldContain("must be a bool");
        Should.Throw<SettingValueException>(() => N("raw_env", "NOEQUALS")).Message.ShouldContain("KEY=VALUE");
        Should.Throw<SettingValueException>(() => N("dirty_apps", "Lib:Type:0")).Message.ShouldContain("positive");
    }

    [Theory]
    [InlineData("true", "prior-knowledge")]
    [InlineData("off", "off")]
    [InlineData("prior-knowledge", "prior-knowledge")]
    public void Http2_cleartext_values(string given, string expected) => N("http2_cleartext", given).ShouldBe(expected);
}
