using Unicornet.Config;
using Unicornet.Config.Hooks;
using Unicornet.Config.Settings;

namespace Unicornet.Dirty.Tests.Infrastructure;

/// <summary>Builds a resolved config from defaults plus overrides, as the master would hand it on.</summary>
internal static class TestConfig
{
    public const string EchoApp = "Unicornet.Dirty.Tests:Unicornet.Dirty.Tests.Apps.EchoApp";
    public const string LimitedApp = "Unicornet.Dirty.Tests:Unicornet.Dirty.Tests.Apps.LimitedApp";

    public static UnicornetConfig Create(IReadOnlyDictionary<string, object?> overrides, Unicornet.Config.Script.CompiledScript? script = null)
    {
        var env = new Dictionary<string, string>();
        var values = new Dictionary<string, ResolvedSetting>(StringComparer.Ordinal);
        foreach (SettingDefinition def in SettingsRegistry.All)
        {
            values[def.Name] = overrides.TryGetValue(def.Name, out object? v)
                ? new ResolvedSetting(SettingValues.Normalize(def, v), SettingOrigin.File)
                : new ResolvedSetting(def.Default(env), SettingOrigin.Default);
        }

        return new UnicornetConfig(values, null, script, HookSet.Empty);
    }
}
