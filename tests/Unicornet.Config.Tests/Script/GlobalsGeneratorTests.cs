using Unicornet.Config.Script;
using Unicornet.Config.Settings;
using Unicornet.Config.Tests.Support;

namespace Unicornet.Config.Tests.Script;

public class GlobalsGeneratorTests
{
    [Fact]
    public void Checked_in_globals_match_the_settings_registry()
    {
        string path = Path.Combine(RepoPaths.Root, "src", "Unicornet.Abstractions", "Config", GlobalsGenerator.FileName);
        string expected = GlobalsGenerator.Generate();
        if (Environment.GetEnvironmentVariable("UNICORNET_UPDATE_GENERATED") == "1")
        {
            File.WriteAllText(path, expected);
        }

        string actual = File.Exists(path) ? File.ReadAllText(path).ReplaceLineEndings("\n") : "";
        actual.ShouldBe(expected, $"{path} is stale: run the Config tests with UNICORNET_UPDATE_GENERATED=1 and rebuild");
    }

    [Fact]
    public void Globals_have_one_property_per_setting_with_its_type()
    {
        foreach (SettingDefinition def in SettingsRegistry.All)
        {
            System.Reflection.PropertyInfo? p = typeof(ConfigScriptGlobals).GetProperty(def.Name);
            p.ShouldNotBeNull($"no property for setting {def.Name}");
            p.PropertyType.ShouldBe(def.ClrType, def.Name);
        }
    }

    [Fact]
    public void Getter_reads_the_default_then_the_last_assignment()
    {
        var globals = new ConfigScriptGlobals(new Dictionary<string, object?> { ["workers"] = 3 });
        globals.workers.ShouldBe(3);
        globals.workers = globals.workers * 2;
        globals.workers = globals.workers + 1;
        globals.workers.ShouldBe(7);
        globals.Assignments.Select(a => (a.Key, a.Value)).ShouldBe([("workers", (object?)6), ("workers", 7)]);
    }
}
