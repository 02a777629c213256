using Unicornet.Config.Settings;

namespace Unicornet.Config;

/// <summary>Things worth telling the user about a valid config.</summary>
public static class ConfigWarnings
{
    /// <summary>One message per setting that was set explicitly but has no effect in unicornet.</summary>
    public static IReadOnlyList<string> For(UnicornetConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var warnings = new List<string>();
        foreach (SettingDefinition def in SettingsRegistry.All)
        {
            ResolvedSetting r = config.Resolved(def.Name);
            if (def.NotApplicable is not null && r.Origin is not (SettingOrigin.Default or SettingOrigin.Environment))
            {
                string where = r.Location is null ? UnicornetConfig.OriginText(r.Origin) : r.Location.ToString();
                warnings.Add($"setting '{def.Name}' ({where}) has no effect in unicornet: {def.NotApplicable}");
            }
        }

        if (config.Get<string>("worker_class") == "sync" && config.Options.Worker.Threads > 1)
        {
            warnings.Add($"worker_class 'sync' with threads = {config.Options.Worker.Threads} runs as 'gthread' (as in gunicorn)");
        }

        return warnings;
    }
}
