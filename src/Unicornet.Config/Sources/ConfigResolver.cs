using Unicornet.Config.Hooks;
using Unicornet.Config.Script;
using Unicornet.Config.Settings;

namespace Unicornet.Config.Sources;

/// <summary>
/// Merges every source in gunicorn's order, lowest first: defaults (some read the environment), the
/// config script, UNICORNET_CMD_ARGS, the command line. The result is validated as a whole: the
/// master never starts half-configured.
/// </summary>
public sealed class ConfigResolver
{
    private readonly IConfigScriptCompiler _compiler;
    private readonly IConfigScriptRunner _runner;

    /// <summary>Creates a resolver that compiles and runs scripts with the given parts.</summary>
    public ConfigResolver(IConfigScriptCompiler compiler, IConfigScriptRunner runner)
    {
        _compiler = compiler;
        _runner = runner;
    }

    /// <summary>The command line as parsed by the last <see cref="Resolve"/> (for --help and --version).</summary>
    public ParsedArguments? CommandLine { get; private set; }

    /// <summary>Resolves <paramref name="request"/>; throws <see cref="ConfigException"/>.</summary>
    public UnicornetConfig Resolve(ConfigRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ParsedArguments cli = CommandLineParser.Parse(request.Args, "command line");
        CommandLine = cli;
        ParsedArguments? envArgs = request.Environment.TryGetValue(ConfigRequest.CmdArgsVariable, out string? raw) && !string.IsNullOrWhiteSpace(raw)
            ? CommandLineParser.Parse(ShellSplitter.Split(raw), ConfigRequest.CmdArgsVariable)
            : null;
        if (cli.ShowHelp || cli.ShowSettingsHelp || cli.ShowVersion)
        {
            return Defaults(request, null, HookSet.Empty);
        }

        var values = new Dictionary<string, ResolvedSetting>(StringComparer.Ordinal);
        foreach (SettingDefinition def in SettingsRegistry.All)
        {
            bool fromEnv = def.DefaultEnvironment.Any(v => request.Environment.TryGetValue(v, out string? e) && e.Length > 0);
            object? value;
            try
            {
                value = SettingValues.Normalize(def, def.Default(request.Environment));
            }
            catch (SettingValueException e)
            {
                throw new ConfigException(e.Message, subject: $"{def.Name} (from ${string.Join("/$", def.DefaultEnvironment)})");
            }

            values[def.Name] = new ResolvedSetting(value, fromEnv ? SettingOrigin.Environment : SettingOrigin.Default);
        }

        string? configPath = ConfigPath(request, cli, envArgs);
        CompiledScript? script = null;
        HookSet hooks = HookSet.Empty;
        if (configPath is not null)
        {
            values["config"] = new ResolvedSetting(configPath, cli.Values.ContainsKey("config") ? SettingOrigin.CommandLine : envArgs?.Values.ContainsKey("config") == true ? SettingOrigin.CmdArgsEnvironment : SettingOrigin.Default);
            if (!File.Exists(configPath))
            {
                throw new ConfigException($"config file '{configPath}' does not exist", subject: "config");
            }

            script = _compiler.Compile(configPath, CacheDirectory(request, cli, envArgs));
            ScriptEvaluation evaluation = _runner.Run(script, request.Environment);
            hooks = evaluation.Hooks;
            foreach (ScriptAssignment assignment in evaluation.Assignments)
            {
                if (assignment.Name == "config")
                {
                    continue; // as in gunicorn: a script cannot name another script
                }

                SettingDefinition def = SettingsRegistry.Get(assignment.Name);
                try
                {
                    values[def.Name] = new ResolvedSetting(SettingValues.Normalize(def, assignment.Value), SettingOrigin.File, assignment.Location);
                }
                catch (SettingValueException e)
                {
                    throw new ConfigException(e.Message, assignment.Location ?? new SourceLocation(configPath, 1, 1), def.Name);
                }
            }
        }

        Apply(values, envArgs, SettingOrigin.CmdArgsEnvironment, ConfigRequest.CmdArgsVariable);
        Apply(values, cli, SettingOrigin.CommandLine, "command line");
        if (configPath is not null)
        {
            values["config"] = values["config"] with { Value = configPath };
        }

        SettingConflicts.Check(values);

        // gunicorn ignores positional arguments found in GUNICORN_CMD_ARGS; so does unicornet.
        string? app = cli.Positionals.FirstOrDefault() ?? (string?)values["wsgi_app"].Value;
        return new UnicornetConfig(values, app, script, hooks);
    }

    private static UnicornetConfig Defaults(ConfigRequest request, CompiledScript? script, HookSet hooks)
    {
        var values = SettingsRegistry.All.ToDictionary(d => d.Name, d => new ResolvedSetting(SettingValues.Normalize(d, d.Default(request.Environment)), SettingOrigin.Default));
        return new UnicornetConfig(values, null, script, hooks);
    }

    private static void Apply(Dictionary<string, ResolvedSetting> values, ParsedArguments? parsed, SettingOrigin origin, string source)
    {
        if (parsed is null)
        {
            return;
        }

        foreach ((string name, object? raw) in parsed.Values)
        {
            SettingDefinition def = SettingsRegistry.Get(name);
            try
            {
                values[name] = new ResolvedSetting(SettingValues.Normalize(def, raw), origin);
            }
            catch (SettingValueException e)
            {
                throw new ConfigException(e.Message, subject: $"{name} ({parsed.Spellings[name]} in {source})");
            }
        }
    }

    /// <summary>gunicorn's rule: -c on the command line, else -c inside the env args, else ./unicornet.conf.csx when present.</summary>
    internal static string? ConfigPath(ConfigRequest request, ParsedArguments cli, ParsedArguments? envArgs)
    {
        string? named = cli.Values.GetValueOrDefault("config") as string ?? envArgs?.Values.GetValueOrDefault("config") as string;
        if (named is not null)
        {
            if (named.StartsWith("file:", StringComparison.Ordinal))
            {
                named = named[5..];
            }

            return Path.GetFullPath(named, request.WorkingDirectory);
        }

        string fallback = Path.Combine(request.WorkingDirectory, ConfigRequest.DefaultConfigFile);
        return File.Exists(fallback) ? fallback : null;
    }

    /// <summary>
    /// Where compiled scripts are cached. Read from the command line, UNICORNET_CMD_ARGS or the
    /// environment only: the script cannot choose where the script itself is cached.
    /// </summary>
    internal static string CacheDirectory(ConfigRequest request, ParsedArguments cli, ParsedArguments? envArgs)
    {
        if ((cli.Values.GetValueOrDefault("config_cache_dir") ?? envArgs?.Values.GetValueOrDefault("config_cache_dir")) is string dir)
        {
            return Path.GetFullPath(dir, request.WorkingDirectory);
        }

        if (request.Environment.TryGetValue("XDG_CACHE_HOME", out string? xdg) && xdg.Length > 0)
        {
            return Path.Combine(xdg, "unicornet");
        }

        string home = request.Environment.TryGetValue("HOME", out string? h) && h.Length > 0 ? h : Path.GetTempPath();
        return Path.Combine(home, ".cache", "unicornet");
    }
}
