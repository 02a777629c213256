using System.Text;
using Unicornet.Config.Hooks;
using Unicornet.Config.Script;
using Unicornet.Config.Settings;
using Unicornet.Config.Snapshot;

namespace Unicornet.Config.Tests.Snapshot;

/// <summary>
/// The master-to-worker config snapshot in unicornet's own format: every setting type round-trips exactly
/// (strings with quotes, line breaks, control characters and non-ASCII, lists, maps, nested script values,
/// null, numbers, bools, origins, the script and its hook locations), and a malformed snapshot is refused with
/// the line and what was expected.
/// </summary>
public sealed class ConfigSnapshotFormatTests : IDisposable
{
    private static readonly Dictionary<string, string> s_noEnvironment = [];

    // Quote, backslash, every line break, other control characters (NUL, ESC, DEL), an escape's look-alike,
    // Latin-1, CJK, an astral emoji (a surrogate pair) and a lone surrogate, which UTF-8 cannot carry raw.
    private const string Tricky = "say \"hi\" \\ back\\slash \\n not-a-newline\nline2\r\n\ttab \0nul \u001b esc \u007f del é 中文 😀 \ud800 lone = { } [ ] null 42";

    private readonly string _dir = Directory.CreateTempSubdirectory("unicornet-snapshot-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Dictionary<string, ResolvedSetting> Defaults()
    {
        var values = new Dictionary<string, ResolvedSetting>(StringComparer.Ordinal);
        foreach (SettingDefinition def in SettingsRegistry.All)
        {
            values[def.Name] = new ResolvedSetting(SettingValues.Normalize(def, def.Default(s_noEnvironment)), SettingOrigin.Default);
        }

        return values;
    }

    private UnicornetConfig RoundTrip(UnicornetConfig config)
    {
        string path = Path.Combine(_dir, "snapshot");
        ConfigSnapshot.Write(config, path);
        return ConfigSnapshot.Read(path);
    }

    private static object? ValueRoundTrip(object? value)
    {
        string text = new SnapshotWriter().Value(value).ToString();
        text.ShouldNotContain('\n');
        var line = new SnapshotLine(text, 1);
        object? back = line.Value();
        line.End();
        return back;
    }

    [Fact]
    public void Every_setting_keeps_its_value_and_origin_with_defaults()
    {
        var config = new UnicornetConfig(Defaults(), "App.dll:App", null, HookSet.Empty);
        UnicornetConfig back = RoundTrip(config);
        back.AppModule.ShouldBe("App.dll:App");
        back.Script.ShouldBeNull();
        foreach (SettingDefinition def in SettingsRegistry.All)
        {
            back[def.Name].ShouldBe(config[def.Name], def.Name);
            back[def.Name]?.GetType().ShouldBe(config[def.Name]?.GetType(), def.Name);
            back.Resolved(def.Name).Origin.ShouldBe(SettingOrigin.Default, def.Name);
        }
    }

    [Fact]
    public void Each_setting_type_round_trips_with_awkward_values()
    {
        Dictionary<string, ResolvedSetting> values = Defaults();
        values["proc_name"] = new ResolvedSetting(Tricky, SettingOrigin.File);
        values["chdir"] = new ResolvedSetting("", SettingOrigin.CommandLine);
        values["sendfile"] = new ResolvedSetting(null, SettingOrigin.Default);
        values["preload_app"] = new ResolvedSetting(true, SettingOrigin.CmdArgsEnvironment);
        values["workers"] = new ResolvedSetting(int.MaxValue, SettingOrigin.Environment);
        values["umask"] = new ResolvedSetting(0x1ff, SettingOrigin.File);
        values["raw_paste_global_conf"] = new ResolvedSetting(new StringList([Tricky, "", "a,b", "x y"]), SettingOrigin.File);
        values["reload_extra_files"] = new ResolvedSetting(new StringList(), SettingOrigin.File);
        values["secure_scheme_headers"] = new ResolvedSetting(
            new Dictionary<string, string> { [Tricky] = Tricky, ["X-A=B"] = "=", [""] = "" },
            SettingOrigin.File);
        values["logconfig_dict"] = new ResolvedSetting(
            new Dictionary<string, object?>
            {
                ["version"] = 1L,
                ["negative"] = -9_000_000_000L,
                ["ratio"] = 0.1,
                ["big"] = 1e300,
                ["whole"] = 3.0,
                ["minus_zero"] = -0.0,
                ["nan"] = double.NaN,
                ["inf"] = double.NegativeInfinity,
                ["on"] = false,
                ["none"] = null,
                [Tricky] = Tricky,
                ["list"] = new List<object?> { 1L, "two", null, new List<object?>(), new Dictionary<string, object?>() },
                ["nested"] = new Dictionary<string, object?> { ["inner"] = new Dictionary<string, object?> { ["deep"] = new List<object?> { true } } },
            },
            SettingOrigin.File);

        var config = new UnicornetConfig(values, null, null, HookSet.Empty);
        UnicornetConfig back = RoundTrip(config);

        back.AppModule.ShouldBeNull();
        back["proc_name"].ShouldBe(Tricky);
        back["chdir"].ShouldBe("");
        back["sendfile"].ShouldBeNull();
        back["preload_app"].ShouldBe(true);
        back["workers"].ShouldBe(int.MaxValue);
        back["umask"].ShouldBe(0x1ff);
        back.Get<StringList>("raw_paste_global_conf").ShouldBe([Tricky, "", "a,b", "x y"]);
        back.Get<StringList>("reload_extra_files").ShouldBeEmpty();
        back["secure_scheme_headers"].ShouldBe(new Dictionary<string, string> { [Tricky] = Tricky, ["X-A=B"] = "=", [""] = "" });
        back["secure_scheme_headers"].ShouldBeOfType<Dictionary<string, string>>();

        var map = back["logconfig_dict"].ShouldBeOfType<Dictionary<string, object?>>();
        map["version"].ShouldBe(1L);
        map["negative"].ShouldBe(-9_000_000_000L);
        map["ratio"].ShouldBe(0.1);
        map["big"].ShouldBe(1e300);
        map["whole"].ShouldBeOfType<double>().ShouldBe(3.0);
        double.IsNegative((double)map["minus_zero"]!).ShouldBeTrue();
        double.IsNaN((double)map["nan"]!).ShouldBeTrue();
        map["inf"].ShouldBe(double.NegativeInfinity);
        map["on"].ShouldBe(false);
        map.ContainsKey("none").ShouldBeTrue();
        map["none"].ShouldBeNull();
        map[Tricky].ShouldBe(Tricky);
        var list = map["list"].ShouldBeOfType<List<object?>>();
        list.Count.ShouldBe(5);
        list[0].ShouldBe(1L);
        list[1].ShouldBe("two");
        list[2].ShouldBeNull();
        list[3].ShouldBeOfType<List<object?>>().ShouldBeEmpty();
        list[4].ShouldBeOfType<Dictionary<string, object?>>().ShouldBeEmpty();
        var nested = ((Dictionary<string, object?>)map["nested"]!)["inner"].ShouldBeOfType<Dictionary<string, object?>>();
        nested["deep"].ShouldBeOfType<List<object?>>().ShouldBe([true]);

        foreach (SettingDefinition def in SettingsRegistry.All)
        {
            back.Resolved(def.Name).Origin.ShouldBe(config.Resolved(def.Name).Origin, def.Name);
        }
    }

    [Fact]
    public void Every_origin_round_trips()
    {
        foreach (SettingOrigin origin in Enum.GetValues<SettingOrigin>())
        {
            Dictionary<string, ResolvedSetting> values = Defaults();
            values["workers"] = new ResolvedSetting(3, origin);
            RoundTrip(new UnicornetConfig(values, "a:b", null, HookSet.Empty)).Resolved("workers").Origin.ShouldBe(origin);
        }
    }

    [Fact]
    public void The_script_its_references_and_hook_locations_round_trip()
    {
        var script = new CompiledScript(
            "/srv/my \"app\"/unicornet.conf.csx",
            "/cache/ab.dll",
            null,
            "ab12",
            new Dictionary<string, IReadOnlyList<SourceLocation>>(),
            new Dictionary<string, SourceLocation>
            {
                ["on_starting"] = new("/srv/my \"app\"/unicornet.conf.csx", 12, 1),
                ["post_fork"] = new("/srv/hooks/é.csx", 3, 17),
            },
            FromCache: false)
        {
            References = ["/srv/lib/Helpers.dll", "/srv/lib/Other.dll"],
        };

        UnicornetConfig back = RoundTrip(new UnicornetConfig(Defaults(), "App.dll:App", script, HookSet.Empty));

        CompiledScript s = back.Script.ShouldNotBeNull();
        s.SourcePath.ShouldBe(script.SourcePath);
        s.AssemblyPath.ShouldBe("/cache/ab.dll");
        s.PdbPath.ShouldBeNull();
        s.Hash.ShouldBe("ab12");
        s.FromCache.ShouldBeTrue();
        s.References.ShouldBe(["/srv/lib/Helpers.dll", "/srv/lib/Other.dll"]);
        s.Hooks.Count.ShouldBe(2);
        s.Hooks["on_starting"].ShouldBe(new SourceLocation("/srv/my \"app\"/unicornet.conf.csx", 12, 1));
        s.Hooks["post_fork"].ShouldBe(new SourceLocation("/srv/hooks/é.csx", 3, 17));
    }

    [Fact]
    public void A_script_with_a_pdb_and_no_hooks_round_trips()
    {
        var script = new CompiledScript("/a.csx", "/a.dll", "/a.pdb", "h", new Dictionary<string, IReadOnlyList<SourceLocation>>(), new Dictionary<string, SourceLocation>(), FromCache: true);
        CompiledScript s = RoundTrip(new UnicornetConfig(Defaults(), null, script, HookSet.Empty)).Script.ShouldNotBeNull();
        s.PdbPath.ShouldBe("/a.pdb");
        s.Hooks.ShouldBeEmpty();
        s.References.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(long.MaxValue)]
    [InlineData(long.MinValue)]
    public void Integers_round_trip_as_64_bit(long value) => ValueRoundTrip(value).ShouldBe(value);

    [Theory]
    [InlineData(0.5)]
    [InlineData(-2.0)]
    [InlineData(double.Epsilon)]
    [InlineData(double.MaxValue)]
    [InlineData(1e-7)]
    [InlineData(double.PositiveInfinity)]
    public void Doubles_round_trip_exactly_and_stay_doubles(double value) => ValueRoundTrip(value).ShouldBeOfType<double>().ShouldBe(value);

    [Fact]
    public void Other_number_types_and_values_a_script_may_use_are_kept_as_numbers_or_text()
    {
        ValueRoundTrip(7).ShouldBe(7L);
        ValueRoundTrip((byte)7).ShouldBe(7L);
        ValueRoundTrip(1.5f).ShouldBe(1.5);
        ValueRoundTrip(new[] { 1, 2 }).ShouldBe(new List<object?> { 1L, 2L });
        ValueRoundTrip(new Dictionary<string, int> { ["a"] = 1 }).ShouldBe(new Dictionary<string, object?> { ["a"] = 1L });
        ValueRoundTrip(12.5m).ShouldBe("12.5");
    }

    [Fact]
    public void A_string_is_written_on_one_line_as_utf8_with_escapes()
    {
        string text = new SnapshotWriter().Value("a\"b\\c\nd\re\tf\0g\u007fh é 😀 \udc00").ToString();
        text.ShouldBe("\"a\\\"b\\\\c\\nd\\re\\tf\\u0000g\\u007Fh é 😀 \\uDC00\"");
    }

    [Fact]
    public void The_file_is_utf8_without_a_byte_order_mark_and_ends_with_the_end_record()
    {
        string path = Path.Combine(_dir, "snapshot");
        Dictionary<string, ResolvedSetting> values = Defaults();
        values["proc_name"] = new ResolvedSetting("é", SettingOrigin.File);
        ConfigSnapshot.Write(new UnicornetConfig(values, "x", null, HookSet.Empty), path);
        byte[] bytes = File.ReadAllBytes(path);
        bytes[0].ShouldBe((byte)'u');
        string text = Encoding.UTF8.GetString(bytes);
        text.ShouldStartWith("unicornet-config-snapshot 1\napp_module \"x\"\n");
        text.ShouldContain("\nsetting proc_name File \"é\"\n");
        text.ShouldEndWith("\nend\n");
        text.Split('\n').Length.ShouldBe(SettingsRegistry.All.Count + 4);
        File.Exists(path + ".tmp").ShouldBeFalse();
    }

    private static string GoodText() => ConfigSnapshot.Format(new UnicornetConfig(Defaults(), "App.dll:App", null, HookSet.Empty));

    [Theory]
    [InlineData("", "the first line is not 'unicornet-config-snapshot 1'")]
    [InlineData("{\"app_module\":\"App.dll:App\"}", "the first line is not 'unicornet-config-snapshot 1'")]
    [InlineData("unicornet-config-snapshot 2\nend\n", "the first line is not 'unicornet-config-snapshot 1'")]
    [InlineData("unicornet-config-snapshot 1\napp_module \"a\"\n", "cut short (no 'end' line)")]
    [InlineData("unicornet-config-snapshot 1\nend\n", "no 'app_module' record")]
    [InlineData("unicornet-config-snapshot 1\napp_module \"a\"\nend\n", "no value for setting 'config'")]
    [InlineData("unicornet-config-snapshot 1\napp_module \"a\"\nend\nsetting workers Default 1\n", "line 4: nothing may follow 'end'")]
    [InlineData("unicornet-config-snapshot 1\napp_module \"a\nend\n", "line 2, column 12: expected a string closed on the same line")]
    [InlineData("unicornet-config-snapshot 1\napp_module 'a'\nend\n", "line 2, column 12: expected the app module or null (a quoted string)")]
    [InlineData("unicornet-config-snapshot 1\napp_module \"a\" \"b\"\nend\n", "line 2, column 16: expected the end of the line, got '\"b\"'")]
    [InlineData("unicornet-config-snapshot 1\napp_module \"a\\x\"\nend\n", "line 2, column 14: expected an escape")]
    [InlineData("unicornet-config-snapshot 1\napp_module \"a\\u00e9\"\nend\n", "line 2, column 14: expected an escape")]
    [InlineData("unicornet-config-snapshot 1\napp_module \"a\tb\"\nend\n", "line 2, column 14: expected no raw control character")]
    [InlineData("unicornet-config-snapshot 1\napp_module \"a\"\napp_module \"b\"\nend\n", "line 3: 'app_module' appears twice")]
    [InlineData("unicornet-config-snapshot 1\napp_module \"a\"\nhook \"x\" \"/p\" 1 1\nend\n", "line 3: 'hook' before 'script'")]
    [InlineData("unicornet-config-snapshot 1\nsettings workers Default 1\nend\n", "line 2: unknown record 'settings'")]
    [InlineData("unicornet-config-snapshot 1\nsetting no_such Default 1\nend\n", "line 2: unknown setting 'no_such'")]
    [InlineData("unicornet-config-snapshot 1\nsetting workers Cli 1\nend\n", "line 2: unknown origin 'Cli' for setting 'workers'")]
    [InlineData("unicornet-config-snapshot 1\nsetting workers Default \"4\"\nend\n", "line 2: setting 'workers' takes int, got a string")]
    [InlineData("unicornet-config-snapshot 1\nsetting workers Default 4294967296\nend\n", "line 2: setting 'workers' takes int, got an integer")]
    [InlineData("unicornet-config-snapshot 1\nsetting workers Default 99999999999999999999\nend\n", "line 2, column 25: expected an integer within 64 bits")]
    [InlineData("unicornet-config-snapshot 1\nsetting workers Default 1\nsetting workers Default 2\nend\n", "line 3: setting 'workers' appears twice")]
    [InlineData("unicornet-config-snapshot 1\nsetting preload_app Default 1\nend\n", "line 2: setting 'preload_app' takes bool, got an integer")]
    [InlineData("unicornet-config-snapshot 1\nsetting bind Default [\"a\" 1]\nend\n", "line 2: setting 'bind' takes StringList, got a list")]
    [InlineData("unicornet-config-snapshot 1\nsetting bind Default [\"a\"\nend\n", "line 2, column 26: expected a value or ']'")]
    [InlineData("unicornet-config-snapshot 1\nsetting bind Default [\"a\"\"b\"]\nend\n", "line 2, column 26: expected a space between values")]
    [InlineData("unicornet-config-snapshot 1\nsetting secure_scheme_headers Default {\"a\"=1}\nend\n", "takes Dictionary<string, string>, got a map")]
    [InlineData("unicornet-config-snapshot 1\nsetting secure_scheme_headers Default {\"a\" \"b\"}\nend\n", "expected '=' after the key")]
    [InlineData("unicornet-config-snapshot 1\nsetting secure_scheme_headers Default {a=\"b\"}\nend\n", "expected a quoted key or '}'")]
    [InlineData("unicornet-config-snapshot 1\nsetting secure_scheme_headers Default {\"a\"=\"b\" \"a\"=\"c\"}\nend\n", "column 48: expected each key once")]
    [InlineData("unicornet-config-snapshot 1\nsetting logconfig_dict Default {\"a\"=yes}\nend\n", "expected a value (null, true, false, a number")]
    [InlineData("unicornet-config-snapshot 1\nsetting logconfig_dict Default {\"a\"=1.5.5}\nend\n", "expected a value (null, true, false, a number")]
    public void A_malformed_snapshot_is_refused_with_where_and_what(string text, string message)
    {
        ConfigException e = Should.Throw<ConfigException>(() => ConfigSnapshot.Parse(text));
        e.Message.ShouldContain(message, Case.Sensitive);
        e.Message.ShouldStartWith("malformed config snapshot");
        e.Subject.ShouldBe("config snapshot");
    }

    [Fact]
    public void A_snapshot_with_one_setting_line_missing_names_it()
    {
        string text = GoodText();
        int start = text.IndexOf("\nsetting timeout ", StringComparison.Ordinal);
        int end = text.IndexOf('\n', start + 1);
        ConfigException e = Should.Throw<ConfigException>(() => ConfigSnapshot.Parse(text.Remove(start, end - start)));
        e.Message.ShouldBe("malformed config snapshot: no value for setting 'timeout'");
    }

    [Fact]
    public void A_snapshot_cut_in_the_middle_is_refused()
    {
        string text = GoodText();
        Should.Throw<ConfigException>(() => ConfigSnapshot.Parse(text[..(text.Length / 2)]));
        Should.Throw<ConfigException>(() => ConfigSnapshot.Parse(text[..^1])).Message.ShouldContain("cut short");
    }

    [Fact]
    public void A_file_that_is_not_utf8_is_refused()
    {
        string path = Path.Combine(_dir, "snapshot");
        byte[] good = Encoding.UTF8.GetBytes(GoodText());
        byte[] bad = [.. good[..40], 0xC3, 0x28, .. good[40..]];
        File.WriteAllBytes(path, bad);
        Should.Throw<ConfigException>(() => ConfigSnapshot.Read(path)).Message.ShouldBe("malformed config snapshot: not valid UTF-8");
    }

    [Fact]
    public void A_good_text_parses_and_spaces_between_values_may_repeat()
    {
        ConfigSnapshot.Parse(GoodText()).AppModule.ShouldBe("App.dll:App");
        ConfigSnapshot.Parse(GoodText().Replace("setting workers Default 1", "setting  workers   Default  1  ", StringComparison.Ordinal)).Get<int>("workers").ShouldBe(1);
    }
}
