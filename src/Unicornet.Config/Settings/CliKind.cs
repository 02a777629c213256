namespace Unicornet.Config.Settings;

/// <summary>How a setting is spelled on the command line.</summary>
public enum CliKind
{
    /// <summary>Config-file only (gunicorn's "CF" settings).</summary>
    None,

    /// <summary><c>--flag VALUE</c>.</summary>
    Value,

    /// <summary><c>--flag VALUE</c>, repeatable; each occurrence appends.</summary>
    Append,

    /// <summary>A switch that sets the setting to true.</summary>
    SetTrue,

    /// <summary>A switch that sets the setting to false (<c>--no-sendfile</c>).</summary>
    SetFalse,

    /// <summary><c>--flag [VALUE]</c>; the bare flag means <see cref="SettingDefinition.FlagOnlyValue"/>.</summary>
    OptionalValue,
}
