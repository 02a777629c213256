using McMaster.Extensions.CommandLineUtils;
using Unicornet.Config.Settings;

namespace Unicornet.Config.Sources;

/// <summary>
/// The <c>unicornet [OPTIONS] [APP_MODULE]</c> parser, built from <see cref="SettingsRegistry"/> so
/// every setting with a flag is accepted under gunicorn's spelling. The same parser reads the
/// command line and UNICORNET_CMD_ARGS.
/// </summary>
public static class CommandLineParser
{
    /// <summary>The program name in help and errors.</summary>
    public const string ProgramName = "unicornet";

    /// <summary>Parses <paramref name="args"/>; <paramref name="source"/> names them in errors.</summary>
    public static ParsedArguments Parse(IReadOnlyList<string> args, string source)
    {
        ArgumentNullException.ThrowIfNull(args);
        var (app, options, positional, version, help, helpSettings) = Build();
        try
        {
            app.Parse(JoinOptionalValues(args));
        }
        catch (CommandParsingException e)
        {
            throw new ConfigException(e.Message, subject: source);
        }

        var result = new ParsedArguments
        {
            ShowHelp = help.HasValue(),
            ShowSettingsHelp = helpSettings.HasValue(),
            ShowVersion = version.HasValue(),
        };
        result.Positionals.AddRange(positional.Values.Where(v => v is not null)!);
        foreach (IGrouping<SettingDefinition, CommandOption> group in options.GroupBy(o => o.Item1, o => o.Item2))
        {
            SettingDefinition def = group.Key;
            CommandOption? given = group.LastOrDefault(o => o.HasValue());
            if (given is null)
            {
                continue;
            }

            // A setting with two long spellings (--error-logfile/--log-file) has one option per spelling.
            var option = new CommandOption("--merged", given.OptionType);
            foreach (CommandOption o in group.Where(o => o.HasValue()))
            {
                option.Values.AddRange(o.Values);
            }

            string spelling = given.LongName is null ? "-" + given.ShortName : "--" + given.LongName;
            result.Spellings[def.Name] = spelling;
            try
            {
                result.Values[def.Name] = def.Cli switch
                {
                    CliKind.SetTrue => true,
                    CliKind.SetFalse => false,
                    CliKind.Append => new StringList(option.Values.Where(v => v is not null).SelectMany(v => def.CommaList ? SettingValues.SplitCommas(v!) : [v!])),
                    CliKind.OptionalValue => option.Values.LastOrDefault(v => v is not null) is { } optionalValue
                        ? SettingValues.FromString(def, optionalValue)
                        : SettingValues.FromString(def, def.FlagOnlyValue ?? "true"),
                    _ => SettingValues.FromString(def, option.Values.Last(v => v is not null)!),
                };
            }
            catch (SettingValueException e)
            {
                throw new ConfigException(e.Message, subject: $"{def.Name} ({spelling} in {source})");
            }
        }

        return result;
    }

    // argparse lets `--proxy-protocol v2` take a value with a space; McMaster only reads an optional
    // value written as `--proxy-protocol=v2`, so a known value after such a flag is joined to it.
    private static string[] JoinOptionalValues(IReadOnlyList<string> args)
    {
        var joined = new List<string>(args.Count);
        for (int i = 0; i < args.Count; i++)
        {
            SettingDefinition? def = SettingsRegistry.All.FirstOrDefault(d => d.Cli == CliKind.OptionalValue && d.Flags.Contains(args[i]));
            if (def is not null && i + 1 < args.Count && !args[i + 1].StartsWith('-') && IsValueFor(def, args[i + 1]))
            {
                joined.Add(args[i] + "=" + args[i + 1]);
                i++;
                continue;
            }

            joined.Add(args[i]);
        }

        return joined.ToArray();
    }

    private static bool IsValueFor(SettingDefinition def, string candidate)
    {
        try
        {
            SettingValues.Normalize(def, SettingValues.FromString(def, candidate));
            return true;
        }
        catch (SettingValueException)
        {
            return false;
        }
    }

    /// <summary>The <c>--help</c> text: usage, then every flag grouped as gunicorn groups them.</summary>
    public static string HelpText()
    {
        var (app, _, _, _, _, _) = Build();
        return app.GetHelpText();
    }

    private static (CommandLineApplication App, List<(SettingDefinition, CommandOption)> Options, CommandArgument Positional, CommandOption Version, CommandOption Help, CommandOption HelpSettings) Build()
    {
        var app = new CommandLineApplication
        {
            Name = ProgramName,
            FullName = "unicornet: gunicorn's pre-fork server model for .NET",
            ThrowOnUnexpectedArgument = true,
            MakeSuggestionsInErrorMessage = true,
            ExtendedHelpText = Environment.NewLine + "APP_MODULE is ASSEMBLY:MEMBER (for example bin/Release/net10.0/MyApp.dll:App), or an ASP.NET Core app's dll." +
                Environment.NewLine + "Settings come from defaults, the config script, UNICORNET_CMD_ARGS and the command line, in that order." +
                Environment.NewLine + "Every setting with its meaning: unicornet --help-settings. Every resolved value and its origin: unicornet --print-config." +
                Environment.NewLine + "Control a running master with unicornetc (unicornetc --help).",
        };

        // A plain option, not McMaster's HelpOption: that one prints the help itself while parsing
        // (through a pager on a terminal), and the command prints it again.
        CommandOption help = app.Option("-h|--help", "Show this help and exit.", CommandOptionType.NoValue);
        CommandOption helpSettings = app.Option("--help-settings", "Show every setting and hook with its meaning, default and flags, and exit.", CommandOptionType.NoValue);
        CommandOption version = app.Option("-v|--version", "Show the version and exit.", CommandOptionType.NoValue);
        var options = new List<(SettingDefinition, CommandOption)>();
        foreach (SettingDefinition def in SettingsRegistry.All)
        {
            if (def.Cli == CliKind.None)
            {
                continue;
            }

            string[] shorts = def.Flags.Where(f => !f.StartsWith("--", StringComparison.Ordinal)).ToArray();
            string[] longs = def.Flags.Where(f => f.StartsWith("--", StringComparison.Ordinal)).ToArray();
            string template = string.Join('|', shorts.Take(1).Concat(longs.Take(1)));
            if (def.MetaVar is not null && def.Cli is CliKind.Value or CliKind.Append)
            {
                template += " <" + def.MetaVar + ">";
            }
            else if (def.MetaVar is not null && def.Cli == CliKind.OptionalValue)
            {
                template += "[:<" + def.MetaVar + ">]";
            }

            CommandOptionType type = def.Cli switch
            {
                CliKind.SetTrue or CliKind.SetFalse => CommandOptionType.NoValue,
                CliKind.OptionalValue => CommandOptionType.SingleOrNoValue,
                _ => CommandOptionType.MultipleValue,
            };
            // A SetFalse flag (--no-sendfile) does the opposite of what the setting's own text says.
            string description = def.NotApplicable is not null ? $"Accepted for gunicorn compatibility, no effect: {def.NotApplicable}."
                : def.Cli == CliKind.SetFalse ? $"Turns {def.Name} off (the setting: {char.ToLowerInvariant(def.Help[0])}{FirstSentence(def.Help)[1..].TrimEnd('.')})."
                : FirstSentence(def.Help);
            if (def.Cli is CliKind.Value or CliKind.Append or CliKind.OptionalValue)
            {
                description += $" [{def.DefaultText}]";
            }

            if (longs.Length > 1)
            {
                description += " Also spelled " + string.Join(", ", longs.Skip(1)) + ".";
            }

            options.Add((def, app.Option(template, description, type)));
            foreach (string alias in longs.Skip(1))
            {
                string aliasTemplate = alias + template[(template.IndexOf(longs[0], StringComparison.Ordinal) + longs[0].Length)..];
                options.Add((def, app.Option(aliasTemplate, $"Same as {longs[0]}.", type)));
            }
        }

        CommandArgument positional = app.Argument("APP_MODULE", "The app to serve, ASSEMBLY:MEMBER.", multipleValues: true);
        app.OnExecute(() => 0);
        return (app, options, positional, version, help, helpSettings);
    }

    private static string FirstSentence(string help)
    {
        int dot = help.IndexOf(". ", StringComparison.Ordinal);
        return dot < 0 ? help.TrimEnd('.') + "." : help[..(dot + 1)];
    }
}
