namespace Unicornet.Config;

/// <summary>
/// A configuration error: a bad flag, a script that does not compile, a bad value, a wrong hook
/// signature or an exception while the script ran. It names the place and the setting or hook.
/// </summary>
public sealed class ConfigException : Exception
{
    /// <summary>Creates the error.</summary>
    public ConfigException(string message, SourceLocation? location = null, string? subject = null, Exception? inner = null)
        : base(message, inner)
    {
        Location = location;
        Subject = subject;
    }

    /// <summary>Where in the script, when the error comes from a script.</summary>
    public SourceLocation? Location { get; }

    /// <summary>The setting or hook concerned, when there is one.</summary>
    public string? Subject { get; }

    /// <summary>Further errors reported together with this one (for example every compiler error).</summary>
    public IReadOnlyList<ConfigException> Others { get; init; } = [];

    /// <summary>One line: <c>path:line:col: error: setting 'workers': must be a positive integer, got -1</c>.</summary>
    public string Render()
    {
        string where = Location is null ? "" : Location + ": ";
        string what = Subject is null ? "" : $"{Subject}: ";
        return $"{where}error: {what}{Message}";
    }

    /// <summary>
    /// What start-up prints for a failed configuration and what a reload logs for it: every error of a
    /// <see cref="ConfigException"/> with its place, one per line; for any other exception, its message.
    /// </summary>
    public static string Describe(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error is ConfigException config ? config.RenderAll() : error.Message;
    }

    /// <summary>This error and the others, one per line.</summary>
    public string RenderAll() =>
        string.Join(Environment.NewLine, new[] { Render() }.Concat(Others.Select(o => o.Render())));
}
