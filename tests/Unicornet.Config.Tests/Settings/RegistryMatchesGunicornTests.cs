using System.Text.RegularExpressions;
using Unicornet.Config.Hooks;
using Unicornet.Config.Settings;
using Unicornet.Config.Tests.Support;

namespace Unicornet.Config.Tests.Settings;

/// <summary>
/// Reads the gunicorn 26 inventory (shared/reference/gunicorn-inventory.md §a) and checks that every
/// setting exists here under the same name with the same flags, and every hook with its name.
/// </summary>
public partial class RegistryMatchesGunicornTests
{
    private static readonly string s_inventory = File.ReadAllText(Path.Combine(RepoPaths.Shared, "reference", "gunicorn-inventory.md"));

    [GeneratedRegex(@"^\| (?<name>[a-z0-9_]+) \| (?<cli>[^|]+) \| (?<default>[^|]+) \|", RegexOptions.Multiline)]
    private static partial Regex SettingRow();

    [GeneratedRegex(@"`(-[-a-zA-Z0-9_]+)[^`]*`")]
    private static partial Regex Flag();

    private static IEnumerable<(string Name, string[] Flags, string Default)> InventorySettings()
    {
        int start = s_inventory.IndexOf("## a. Settings", StringComparison.Ordinal);
        int end = s_inventory.IndexOf("## b. Server hooks", StringComparison.Ordinal);
        string section = s_inventory[start..end];
        foreach (Match m in SettingRow().Matches(section))
        {
            if (m.Groups["name"].Value is "setting")
            {
                continue;
            }

            string[] flags = Flag().Matches(m.Groups["cli"].Value).Select(f => f.Groups[1].Value).ToArray();
            yield return (m.Groups["name"].Value, flags, m.Groups["default"].Value.Trim());
        }
    }

    [Fact]
    public void The_inventory_parses_to_all_99_non_hook_settings()
    {
        InventorySettings().Count().ShouldBe(99);
    }

    [Fact]
    public void Every_gunicorn_setting_exists_with_the_same_flags()
    {
        var problems = new List<string>();
        foreach ((string name, string[] flags, _) in InventorySettings())
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
        string[] hooks =
        [
            "on_starting", "on_reload", "when_ready", "pre_fork", "post_fork", "post_worker_init", "worker_int", "worker_abort",
            "pre_exec", "pre_request", "post_request", "child_exit", "worker_exit", "nworkers_changed", "on_exit", "ssl_context",
            "on_dirty_starting", "dirty_post_fork", "dirty_worker_init", "dirty_worker_exit",
        ];
        HookRegistry.All.Select(h => h.Name).ShouldBe(hooks, ignoreOrder: true);
        foreach (string hook in hooks)
        {
            s_inventory.ShouldContain(hook);
        }
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
