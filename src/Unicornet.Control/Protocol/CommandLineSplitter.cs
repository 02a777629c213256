using System.Text;

namespace Unicornet.Control.Protocol;

/// <summary>Splits a command line into words the way a POSIX shell would (quotes and backslashes, no expansion).</summary>
public static class CommandLineSplitter
{
    /// <summary>The words of <paramref name="line"/>.</summary>
    /// <exception cref="ControlArgumentException">An unterminated quote or a trailing backslash.</exception>
    public static List<string> Split(string line)
    {
        List<string> words = new();
        StringBuilder current = new();
        bool inWord = false;
        int i = 0;
        while (i < line.Length)
        {
            char c = line[i];
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
                int end = line.IndexOf('\'', i + 1);
                if (end < 0)
                {
                    throw new ControlArgumentException("unterminated single quote");
                }

                current.Append(line, i + 1, end - i - 1);
                i = end + 1;
            }
            else if (c == '"')
            {
                i++;
                bool closed = false;
                while (i < line.Length)
                {
                    char d = line[i];
                    if (d == '"')
                    {
                        closed = true;
                        i++;
                        break;
                    }

                    if (d == '\\' && i + 1 < line.Length && line[i + 1] is '"' or '\\' or '$' or '`')
                    {
                        current.Append(line[i + 1]);
                        i += 2;
                        continue;
                    }

                    current.Append(d);
                    i++;
                }

                if (!closed)
                {
                    throw new ControlArgumentException("unterminated double quote");
                }
            }
            else if (c == '\\')
            {
                if (i + 1 >= line.Length)
                {
                    throw new ControlArgumentException("trailing backslash");
                }

                current.Append(line[i + 1]);
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
