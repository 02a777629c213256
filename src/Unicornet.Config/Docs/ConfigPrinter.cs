using System.Text;
using Unicornet.Config.Settings;

namespace Unicornet.Config.Docs;

/// <summary><c>--print-config</c>: every resolved setting, its value and where the value came from.</summary>
public static class ConfigPrinter
{
    /// <summary>One line per setting: <c>name = value  [origin]</c>, in registry order.</summary>
    public static string Render(UnicornetConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        int width = SettingsRegistry.All.Max(d => d.Name.Length);
        var sb = new StringBuilder();
        foreach (SettingDefinition def in SettingsRegistry.All)
        {
            ResolvedSetting r = config.Resolved(def.Name);
            string origin = UnicornetConfig.OriginText(r.Origin);
            if (r.Location is not null)
            {
                origin += " " + r.Location;
            }

            sb.Append(def.Name.PadRight(width)).Append(" = ").Append(SettingValues.Format(def, r.Value)).Append("  [").Append(origin).Append("]\n");
        }

        if (config.AppModule is not null)
        {
            sb.Append("app".PadRight(width)).Append(" = ").Append(config.AppModule).Append('\n');
        }

        foreach (string hook in config.Hooks.Defined.Order(StringComparer.Ordinal))
        {
            sb.Append(hook.PadRight(width)).Append(" = <hook defined in the config script>\n");
        }

        return sb.ToString();
    }
}
