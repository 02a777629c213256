using Unicornet.Config.Hooks;
using Unicornet.Config.Options;
using Unicornet.Config.Script;
using Unicornet.Config.Settings;

namespace Unicornet.Config;

/// <summary>Where a setting's value came from, lowest priority first.</summary>
public enum SettingOrigin
{
    /// <summary>The built-in default.</summary>
    Default,

    /// <summary>A default read from the environment (PORT, WEB_CONCURRENCY, FORWARDED_ALLOW_IPS, SENDFILE).</summary>
    Environment,

    /// <summary>The config script.</summary>
    File,

    /// <summary>The UNICORNET_CMD_ARGS environment variable.</summary>
    CmdArgsEnvironment,

    /// <summary>The command line.</summary>
    CommandLine,
}

/// <summary>One resolved value with its origin and, for script values, where it was assigned.</summary>
public sealed record ResolvedSetting(object? Value, SettingOrigin Origin, SourceLocation? Location = null);

/// <summary>
/// The immutable result of resolving every source in gunicorn's order. Everything downstream (the
/// arbiter, workers, the dirty pool) reads settings from here; workers receive it as JSON.
/// </summary>
public sealed partial class UnicornetConfig : ISettings
{
    // A plain dictionary, never changed after construction: a frozen one would load System.Collections.Immutable
    // into every worker for a few hundred lookups at start.
    private readonly Dictionary<string, ResolvedSetting> _values;

    internal UnicornetConfig(IReadOnlyDictionary<string, ResolvedSetting> values, string? appModule, CompiledScript? script, HookSet hooks)
    {
        _values = new Dictionary<string, ResolvedSetting>(values, StringComparer.Ordinal);
        AppModule = appModule;
        Script = script;
        Hooks = hooks;
        Options = OptionsBinder.Bind(this);
    }

    private UnicornetConfig(UnicornetConfig source, HookSet hooks)
    {
        _values = source._values;
        AppModule = source.AppModule;
        Script = source.Script;
        Hooks = hooks;
        Options = source.Options;
    }

    /// <summary>The settings as typed options, bound once when this config was made.</summary>
    public UnicornetOptions Options { get; }

    /// <summary>The app reference to serve: the positional APP_MODULE, else <c>wsgi_app</c>.</summary>
    public string? AppModule { get; }

    /// <summary>The compiled config script, when there is one.</summary>
    public CompiledScript? Script { get; }

    /// <summary>The hooks the script defined, bound and ready to invoke.</summary>
    public HookSet Hooks { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> Names => SettingsRegistry.All.Select(d => d.Name).ToArray();

    /// <inheritdoc />
    public object? this[string name] => Resolved(name).Value;

    /// <summary>The value and origin of one setting.</summary>
    public ResolvedSetting Resolved(string name) =>
        _values.TryGetValue(name, out ResolvedSetting? v) ? v : throw new KeyNotFoundException($"unknown setting '{name}'");

    /// <inheritdoc />
    public T Get<T>(string name) => this[name] is T t ? t : (T)Convert.ChangeType(this[name], typeof(T), System.Globalization.CultureInfo.InvariantCulture)!;

    /// <inheritdoc />
    public string OriginOf(string name) => OriginText(Resolved(name).Origin);

    /// <summary>How <c>--print-config</c> names an origin.</summary>
    public static string OriginText(SettingOrigin origin) => origin switch
    {
        SettingOrigin.Default => "default",
        SettingOrigin.Environment => "environment",
        SettingOrigin.File => "file",
        SettingOrigin.CmdArgsEnvironment => "UNICORNET_CMD_ARGS",
        SettingOrigin.CommandLine => "command line",
        _ => origin.ToString(),
    };

    /// <summary>A copy with a different hook set (workers rebind hooks in their own process).</summary>
    public UnicornetConfig WithHooks(HookSet hooks) => new(this, hooks);

    /// <summary>Every setting at its registry default, read with an empty environment.</summary>
    internal static UnicornetConfig FromDefaults()
    {
        var noEnvironment = new Dictionary<string, string>();
        var values = SettingsRegistry.All.ToDictionary(d => d.Name, d => new ResolvedSetting(SettingValues.Normalize(d, d.Default(noEnvironment)), SettingOrigin.Default));
        return new UnicornetConfig(values, null, null, HookSet.Empty);
    }
}
