using System.Text;

namespace Unicornet.Config.Sources;

/// <summary>
/// POSIX shell word splitting for UNICORNET_CMD_ARGS (what Python's shlex.split does for
/// GUNICORN_CMD_ARGS): whitespace separates words, single quotes are literal, double quotes allow
/// backslash escapes of <c>\ " $ `</c>, a backslash outside quotes escapes the next character.
/// </summary>
public static class ShellSplitter
{
    /// <summary>Splits <paramref name="text"/>; throws <see cref="ConfigException"/> on an unterminated quote.</summary>
    public static IReadOnlyList<string> Split(string text)
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
                    throw new ConfigException("unterminated single quote", subject: "UNICORNET_CMD_ARGS");
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
                        throw new ConfigException("unterminated double quote", subject: "UNICORNET_CMD_ARGS");
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
            else if (c == '\\' && i + 1 < text.Length)
            {
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
