using Unicornet.Config.Docs;
using Unicornet.Config.Settings;
using Unicornet.Config.Tests.Support;

namespace Unicornet.Config.Tests.Docs;

public class GeneratedDocsTests
{
    [Fact]
    public void Docs_settings_md_is_current()
    {
        string path = Path.Combine(RepoPaths.Root, "docs", "settings.md");
        string expected = SettingsDocument.Render();
        if (Environment.GetEnvironmentVariable("UNICORNET_UPDATE_GENERATED") == "1")
        {
            File.WriteAllText(path, expected);
        }

        File.Exists(path).ShouldBeTrue("docs/settings.md is missing; run with UNICORNET_UPDATE_GENERATED=1");
        File.ReadAllText(path).ShouldBe(expected, "docs/settings.md is stale; regenerate with UNICORNET_UPDATE_GENERATED=1 dotnet test tests/Unicornet.Config.Tests");
    }

    [Fact]
    public void Docs_name_every_setting_and_hook()
    {
        string doc = SettingsDocument.Render();
        foreach (SettingDefinition def in SettingsRegistry.All)
        {
            doc.ShouldContain("`" + def.Name + "`");
        }

        doc.ShouldContain("void post_fork(Arbiter server, Worker worker)");
        doc.ShouldContain("Not applicable");
    }
}
