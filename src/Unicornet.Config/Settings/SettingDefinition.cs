namespace Unicornet.Config.Settings;

/// <summary>
/// One setting: its gunicorn name, how it is written on the command line and in a script, its
/// default, how a value is checked, and its documentation. Everything that shows settings
/// (parser, validation, <c>--help</c>, <c>--print-config</c>, docs/settings.md) reads these.
/// </summary>
public sealed record SettingDefinition
{
    /// <summary>gunicorn's snake_case name, also the script variable.</summary>
    public required string Name { get; init; }

    /// <summary>The documentation section (gunicorn's grouping).</summary>
    public required string Section { get; init; }

    /// <summary>The script type.</summary>
    public required SettingType Type { get; init; }

    /// <summary>Command-line spellings, short first (<c>-w</c>, <c>--workers</c>).</summary>
    public IReadOnlyList<string> Flags { get; init; } = [];

    /// <summary>How the command line sets it.</summary>
    public CliKind Cli { get; init; }

    /// <summary>The placeholder shown in <c>--help</c>.</summary>
    public string? MetaVar { get; init; }

    /// <summary>The default; some read the environment (<c>PORT</c>, <c>WEB_CONCURRENCY</c>, ...).</summary>
    public required Func<IReadOnlyDictionary<string, string>, object?> Default { get; init; }

    /// <summary>The environment variables the default reads, if any; used to report the origin.</summary>
    public IReadOnlyList<string> DefaultEnvironment { get; init; } = [];

    /// <summary>The default as documentation shows it.</summary>
    public required string DefaultText { get; init; }

    /// <summary>Checks and normalises a value; throws <see cref="SettingValueException"/> when it is bad.</summary>
    public Func<object?, object?>? Validate { get; init; }

    /// <summary>For a comma-list setting, a command-line or script string is split on commas.</summary>
    public bool CommaList { get; init; }

    /// <summary>The value a bare <see cref="CliKind.OptionalValue"/> flag means.</summary>
    public string? FlagOnlyValue { get; init; }

    /// <summary>One-paragraph documentation.</summary>
    public required string Help { get; init; }

    /// <summary>When set, the setting is accepted for compatibility but has no effect; this says why.</summary>
    public string? NotApplicable { get; init; }

    /// <summary>True for settings gunicorn only takes from a config file.</summary>
    public bool ConfigFileOnly => Cli == CliKind.None;

    /// <summary>The CLR type of the setting's value.</summary>
    public Type ClrType => Type switch
    {
        SettingType.Bool => typeof(bool),
        SettingType.Int or SettingType.Octal => typeof(int),
        SettingType.Text => typeof(string),
        SettingType.Strings => typeof(StringList),
        SettingType.Map => typeof(Dictionary<string, string>),
        SettingType.ObjectMap => typeof(Dictionary<string, object?>),
        _ => throw new InvalidOperationException(),
    };

    /// <summary>The C# type name used in scripts and docs.</summary>
    public string ScriptTypeName => Type switch
    {
        SettingType.Bool => "bool",
        SettingType.Int or SettingType.Octal => "int",
        SettingType.Text => "string?",
        SettingType.Strings => "StringList",
        SettingType.Map => "Dictionary<string, string>",
        SettingType.ObjectMap => "Dictionary<string, object?>",
        _ => throw new InvalidOperationException(),
    };
}
