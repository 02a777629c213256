namespace Unicornet.Dirty.Arbiter;

/// <summary>fnmatch-style matching: <c>*</c>, <c>?</c>, <c>[abc]</c>, <c>[a-z]</c>, <c>[!x]</c>; case-sensitive.</summary>
internal static class Glob
{
    public static bool IsMatch(ReadOnlySpan<char> text, ReadOnlySpan<char> pattern)
    {
        int t = 0;
        int p = 0;
        int starP = -1;
        int starT = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                starP = p++;
                starT = t;
                continue;
            }

            if (p < pattern.Length && MatchOne(text[t], pattern, ref p))
            {
                t++;
                continue;
            }

            if (starP < 0)
            {
                return false;
            }

            // Backtrack: let the last star swallow one more character.
            p = starP + 1;
            t = ++starT;
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    /// <summary>Matches one text character at pattern[p]; on success advances p past the token.</summary>
    private static bool MatchOne(char c, ReadOnlySpan<char> pattern, ref int p)
    {
        char token = pattern[p];
        if (token == '?')
        {
            p++;
            return true;
        }

        if (token == '[')
        {
            int start = p + 1;
            bool negate = start < pattern.Length && pattern[start] is '!' or '^';
            if (negate)
            {
                start++;
            }

            // A ']' right after '[' or '[!' is a member, not the end; no closing ']' makes '[' literal.
            int rel = start + 1 <= pattern.Length ? pattern[Math.Min(start + 1, pattern.Length)..].IndexOf(']') : -1;
            if (start < pattern.Length && rel >= 0)
            {
                int end = start + 1 + rel;
                bool found = false;
                for (int i = start; i < end; i++)
                {
                    if (i + 2 < end && pattern[i + 1] == '-')
                    {
                        found |= c >= pattern[i] && c <= pattern[i + 2];
                        i += 2;
                    }
                    else
                    {
                        found |= pattern[i] == c;
                    }
                }

                if (found != negate)
                {
                    p = end + 1;
                    return true;
                }

                return false;
            }
        }

        return Literal(c, token, ref p);
    }

    private static bool Literal(char c, char token, ref int p)
    {
        if (c == token)
        {
            p++;
            return true;
        }

        return false;
    }
}
