using System.Text;
using Unicornet.Config.Hooks;
using Unicornet.Config.Settings;

namespace Unicornet.Config.Docs;

/// <summary>
/// Renders docs/settings.md from the registries. The file in the repository is generated; a test
/// fails when it is stale (regenerate with <c>UNICORNET_UPDATE_GENERATED=1 dotnet test</c>).
/// </summary>
public static class SettingsDocument
{
    /// <summary>The whole markdown document.</summary>
    public static string Render()
    {
        var sb = new StringBuilder();
        sb.Append("# unicornet settings\n\n");
        sb.Append("<!-- Generated from src/Unicornet.Config/Settings/SettingsRegistry.cs and Hooks/HookRegistry.cs. Do not edit by hand:\n");
        sb.Append("     run `UNICORNET_UPDATE_GENERATED=1 dotnet test tests/Unicornet.Config.Tests` to regenerate. -->\n\n");
        sb.Append("Every gunicorn 26 setting exists under the same name, with the same flag and default. In a config\n");
        sb.Append("script a setting is a top-level assignment (`workers = 4;`); on the command line it is the flag shown;\n");
        sb.Append("`UNICORNET_CMD_ARGS` takes the same flags. Precedence, lowest first: default (some read the\n");
        sb.Append("environment), config script, `UNICORNET_CMD_ARGS`, command line.\n\n");
        int applicable = SettingsRegistry.All.Count(d => d.NotApplicable is null);
        sb.Append($"{SettingsRegistry.All.Count} settings ({applicable} in effect, {SettingsRegistry.All.Count - applicable} accepted for compatibility with no effect) and {HookRegistry.All.Count} hooks.\n\n");

        foreach (IGrouping<string, SettingDefinition> section in SettingsRegistry.All.GroupBy(d => d.Section))
        {
            sb.Append("## ").Append(section.Key).Append("\n\n");
            sb.Append("| setting | flag | type | default | meaning |\n|---|---|---|---|---|\n");
            foreach (SettingDefinition d in section)
            {
                string flags = d.Flags.Count == 0 ? "config file only" : string.Join(", ", d.Flags.Select(f => "`" + f + "`"));
                string meaning = d.NotApplicable is null ? d.Help : $"**Not applicable:** {d.NotApplicable}. (gunicorn: {d.Help.TrimEnd('.')}.)";
                sb.Append($"| `{d.Name}` | {flags} | `{d.ScriptTypeName}` | `{Escape(d.DefaultText)}` | {Escape(meaning)} |\n");
            }

            sb.Append('\n');
        }

        sb.Append("## Not applicable settings\n\n");
        sb.Append("These are accepted (in scripts and as flags) so a gunicorn config translates unchanged; unicornet logs a warning and ignores them.\n\n");
        sb.Append("| setting | why |\n|---|---|\n");
        foreach (SettingDefinition d in SettingsRegistry.All.Where(d => d.NotApplicable is not null))
        {
            sb.Append($"| `{d.Name}` | {Escape(d.NotApplicable!)} |\n");
        }

        sb.Append("\n## Hooks\n\n");
        sb.Append("Hooks are top-level methods in the config script with gunicorn's names and typed parameters. A hook may\n");
        sb.Append("return `Task` instead of `void`; it is awaited. A name that looks like a misspelled hook is an error.\n\n");
        sb.Append("| hook | signature | runs in | when | if it throws |\n|---|---|---|---|---|\n");
        foreach (HookDefinition h in HookRegistry.All)
        {
            string sigs = string.Join("<br>", h.Signatures.Select(s => "`" + s.Render(h.Name) + "`"));
            string policy = h.Policy switch
            {
                HookFailurePolicy.AbortStartup => "startup aborts (exit 1)",
                HookFailurePolicy.FailWorkerBoot => "the worker fails to boot (exit 3)",
                _ => "logged with its script line; the process lives on",
            };
            sb.Append($"| `{h.Name}` | {sigs} | {h.Process} | {h.When} | {policy} |\n");
        }

        return sb.ToString();
    }

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
