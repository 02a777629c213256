using Unicornet.Shell;

namespace Unicornet.Config.Sources;

/// <summary>Shell word splitting for UNICORNET_CMD_ARGS, as gunicorn does for GUNICORN_CMD_ARGS.</summary>
public static class ShellSplitter
{
    /// <summary>Splits <paramref name="text"/>; throws <see cref="ConfigException"/> on an unterminated quote or a trailing backslash.</summary>
    public static IReadOnlyList<string> Split(string text)
    {
        try
        {
            return ShellWords.Split(text);
        }
        catch (FormatException e)
        {
            throw new ConfigException(e.Message, subject: "UNICORNET_CMD_ARGS");
        }
    }
}
