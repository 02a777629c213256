using System.Text.RegularExpressions;
using Unicornet.Config.Hooks;
using Unicornet.Config.Settings;

namespace Unicornet.Config.Tests.Settings;

/// <summary>
/// Reads gunicorn 26's settings and hooks (Data/gunicorn-settings.tsv, vendored from gunicorn's config.py)
/// and checks that every setting exists here under the same name with the same flags, and every hook with its name.
/// </summary>
public class RegistryMatchesGunicornTests
{
    private static readonly (string Kind, string Name, string[] Flags)[] s_gunicorn = ReadGunicornNames();

    private static IEnumerable<(string Name, string[] Flags)> GunicornSettings() =>
        s_gunicorn.Where(r => r.Kind == "setting").Select(r => (r.Name, r.Flags));

    private static IEnumerable<string> GunicornHooks() => s_gunicorn.Where(r => r.Kind == "hook").Select(r => r.Name);

    private static (string Kind, string Name, string[] Flags)[] ReadGunicornNames()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Data", "gunicorn-settings.tsv");
        string[] lines = File.ReadAllLines(path).Where(l => l.Length > 0 && !l.StartsWith('#')).ToArray();
        lines[0].ShouldBe("kind\tname\tflags");
        return lines.Skip(1).Select(line =>
        {
            string[] columns = line.Split('\t');
            columns.Length.ShouldBe(3, line);
            return (columns[0], columns[1], columns[2].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        }).ToArray();
    }

    [Fact]
    public void The_list_has_all_99_settings_and_20_hooks_and_nothing_else()
    {
        GunicornSettings().Count().ShouldBe(99);
        GunicornHooks().Count().ShouldBe(20);
        s_gunicorn.ShouldAllBe(r => r.Kind == "setting" || r.Kind == "hook");
        s_gunicorn.Select(r => r.Name).ShouldBeUnique();
    }

    [Fact]
    public void Every_gunicorn_setting_exists_with_the_same_flags()
    {
        var problems = new List<string>();
        foreach ((string name, string[] flags) in GunicornSettings())
        {
            SettingDefinition? def = SettingsRegistry.Find(name);
            if (def is null)
            {
                problems.Add($"{name}: missing");
                continue;
            }

            if (!def.Flags.Order().SequenceEqual(flags.Order()))
            {
                problems.Add($"{name}: flags [{string.Join(", ", def.Flags)}] but gunicorn has [{string.Join(", ", flags)}]");
            }
        }

        problems.ShouldBeEmpty();
    }

    [Fact]
    public void Every_gunicorn_hook_exists()
    {
        HookRegistry.All.Select(h => h.Name).ShouldBe(GunicornHooks(), ignoreOrder: true);
    }

    [Theory]
    [InlineData("workers", 1)]
    [InlineData("backlog", 2048)]
    [InlineData("threads", 1)]
    [InlineData("worker_connections", 1000)]
    [InlineData("timeout", 30)]
    [InlineData("graceful_timeout", 30)]
    [InlineData("keepalive", 2)]
    [InlineData("limit_request_line", 4094)]
    [InlineData("limit_request_fields", 100)]
    [InlineData("limit_request_field_size", 8190)]
    [InlineData("dirty_timeout", 300)]
    [InlineData("control_socket_mode", 384)]
    [InlineData("http2_max_concurrent_streams", 100)]
    [InlineData("http2_initial_window_size", 65535)]
    public void Integer_defaults_match_gunicorn(string name, int expected)
    {
        SettingDefinition def = SettingsRegistry.Get(name);
        SettingValues.Normalize(def, def.Default(new Dictionary<string, string>())).ShouldBe(expected);
    }

    [Fact]
    public void String_defaults_match_gunicorn()
    {
        var env = new Dictionary<string, string>();
        object? Default(string name) => SettingsRegistry.Get(name).Default(env);
        Default("worker_class").ShouldBe("sync");
        Default("loglevel").ShouldBe("info");
        Default("errorlog").ShouldBe("-");
        Default("header_map").ShouldBe("drop");
        Default("proxy_protocol").ShouldBe("off");
        Default("access_log_format").ShouldBe("%(h)s %(l)s %(u)s %(t)s \"%(r)s\" %(s)s %(b)s \"%(f)s\" \"%(a)s\"");
        ((StringList)Default("bind")!).ShouldBe(["127.0.0.1:8000"]);
        ((StringList)Default("forwarder_headers")!).ShouldBe(["SCRIPT_NAME", "PATH_INFO"]);
        ((Dictionary<string, string>)Default("secure_scheme_headers")!).Keys.ShouldBe(["X-FORWARDED-PROTOCOL", "X-FORWARDED-PROTO", "X-FORWARDED-SSL"], ignoreOrder: true);
    }

    [Fact]
    public void Names_are_unique_and_snake_case_and_flags_unique()
    {
        SettingsRegistry.All.Select(d => d.Name).ShouldBeUnique();
        SettingsRegistry.All.SelectMany(d => d.Flags).ShouldBeUnique();
        SettingsRegistry.All.ShouldAllBe(d => Regex.IsMatch(d.Name, "^[a-z][a-z0-9_]*$"));
    }

    [Fact]
    public void Every_setting_is_documented_and_not_applicable_ones_say_why()
    {
        SettingsRegistry.All.ShouldAllBe(d => d.Help.Length > 10);
        SettingsRegistry.All.Where(d => d.NotApplicable is not null).ShouldAllBe(d => d.NotApplicable!.Length > 10);
    }
}
