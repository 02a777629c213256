using Unicornet.Config;
using Unicornet.Config.Hooks;
using Unicornet.Config.Settings;
using Unicornet.Config.Snapshot;

namespace Unicornet.IntegrationTests.Arbiter;

/// <summary>The master-to-worker config snapshot keeps every setting's value, type and origin.</summary>
public sealed class ConfigSnapshotTests
{
    [Fact]
    public void Every_setting_survives_the_round_trip()
    {
        var env = new Dictionary<string, string>();
        var values = new Dictionary<string, ResolvedSetting>();
        foreach (SettingDefinition def in SettingsRegistry.All)
        {
            values[def.Name] = new ResolvedSetting(def.Default(env), SettingOrigin.Default);
        }

        values["workers"] = new ResolvedSetting(7, SettingOrigin.CommandLine);
        values["bind"] = new ResolvedSetting(new StringList(["127.0.0.1:9000", "unix:/tmp/x.sock"]), SettingOrigin.File);
        values["umask"] = new ResolvedSetting(18, SettingOrigin.File);
        values["raw_env"] = new ResolvedSetting(new StringList(["A=1", "B=2"]), SettingOrigin.CommandLine);
        values["secure_scheme_headers"] = new ResolvedSetting(new Dictionary<string, string> { ["X-PROTO"] = "https" }, SettingOrigin.File);
        var config = new UnicornetConfig(values, "App.dll:App", null, HookSet.Empty);

        string path = Path.Combine(Path.GetTempPath(), "unicornet-snapshot-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            ConfigSnapshot.Write(config, path);
            UnicornetConfig back = ConfigSnapshot.Read(path);
            back.AppModule.ShouldBe("App.dll:App");
            back.Script.ShouldBeNull();
            foreach (SettingDefinition def in SettingsRegistry.All)
            {
                SettingValues.Format(back[def.Name]).ShouldBe(SettingValues.Format(config[def.Name]), def.Name);
                back.Resolved(def.Name).Origin.ShouldBe(config.Resolved(def.Name).Origin, def.Name);
            }

            back.Options.Worker.Workers.ShouldBe(7);
            back.Get<int>("umask").ShouldBe(18);
            back.Options.Listeners.Bind.Count.ShouldBe(2);
            back.Get<StringList>("raw_env").ShouldBe(["A=1", "B=2"]);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
