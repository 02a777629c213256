using Unicornet.Shell;

namespace Unicornet.Control.Protocol;

/// <summary>Splits a control command line into words the way a POSIX shell would (quotes and backslashes, no expansion).</summary>
public static class CommandLineSplitter
{
    /// <summary>The words of <paramref name="line"/>.</summary>
    /// <exception cref="ControlArgumentException">An unterminated quote or a trailing backslash.</exception>
    public static List<string> Split(string line)
    {
        try
        {
            return ShellWords.Split(line);
        }
        catch (FormatException e)
        {
            throw new ControlArgumentException(e.Message);
        }
    }
}
