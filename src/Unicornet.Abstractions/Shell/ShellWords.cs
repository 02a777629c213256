using System.Text;

namespace Unicornet.Shell;

/// <summary>
/// POSIX shell word splitting without expansion (what Python's shlex.split does): whitespace separates
/// words, single quotes are literal, double quotes allow backslash escapes of <c>\ " $ `</c>, and a
/// backslash outside quotes escapes the next character. Internal: it lives here because both the
/// config sources (UNICORNET_CMD_ARGS) and the control socket (command lines) need it, and this is
/// the one assembly both reference.
/// </summary>
internal static class ShellWords
{
    /// <summary>The words of <paramref name="text"/>.</summary>
    /// <exception cref="FormatException">An unterminated quote or a trailing backslash.</exception>
    public static List<string> Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = new List<string>();
        var current = new StringBuilder();
        bool inWord = false;
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(current.ToString());
                    current.Clear();
                    inWord = false;
                }

                i++;
                continue;
            }

            inWord = true;
            if (c == '\'')
            {
                int end = text.IndexOf('\'', i + 1);
                if (end < 0)
                {
                    throw new FormatException("unterminated single quote");
                }

                current.Append(text, i + 1, end - i - 1);
                i = end + 1;
            }
            else if (c == '"')
            {
                i++;
                while (true)
                {
                    if (i >= text.Length)
                    {
                        throw new FormatException("unterminated double quote");
                    }

                    char d = text[i];
                    if (d == '"')
                    {
                        i++;
                        break;
                    }

                    if (d == '\\' && i + 1 < text.Length && text[i + 1] is '\\' or '"' or '$' or '`')
                    {
                        current.Append(text[i + 1]);
                        i += 2;
                        continue;
                    }

                    current.Append(d);
                    i++;
                }
            }
            else if (c == '\\')
            {
                if (i + 1 >= text.Length)
                {
                    throw new FormatException("trailing backslash");
                }

                current.Append(text[i + 1]);
                i += 2;
            }
            else
            {
                current.Append(c);
                i++;
            }
        }

        if (inWord)
        {
            words.Add(current.ToString());
        }

        return words;
    }
}
