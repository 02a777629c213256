namespace Unicornet.Config.Sources;

/// <summary>What one parse of a command line (or of UNICORNET_CMD_ARGS) set.</summary>
public sealed class ParsedArguments
{
    /// <summary>Settings given, by name, already typed (not yet validated).</summary>
    public Dictionary<string, object?> Values { get; } = new(StringComparer.Ordinal);

    /// <summary>How each setting was spelled, for error messages (<c>--workers</c>).</summary>
    public Dictionary<string, string> Spellings { get; } = new(StringComparer.Ordinal);

    /// <summary>Positional arguments (APP_MODULE).</summary>
    public List<string> Positionals { get; } = [];

    /// <summary><c>-v/--version</c> was given.</summary>
    public bool ShowVersion { get; set; }

    /// <summary><c>-h/--help</c> was given.</summary>
    public bool ShowHelp { get; set; }

    /// <summary><c>--help-settings</c> was given.</summary>
    public bool ShowSettingsHelp { get; set; }
}
