using System.Buffers;
using System.Text;

namespace Unicornet.Http.Parsing;

/// <summary>
/// Byte classes of RFC 9110 used by the parser, the response writer and the kestrel class's request rules (which
/// scan Kestrel's decoded strings with the char forms, so every class refuses the same names and values).
/// </summary>
internal static class HttpChars
{
    private static readonly bool[] s_token = BuildToken();

    /// <summary>The tchar bytes, for vectorised scans of whole names.</summary>
    public static readonly SearchValues<byte> TokenBytes = SearchValues.Create(Members(b => s_token[b]));

    /// <summary><see cref="TokenBytes"/> as chars (a latin-1 decoded name).</summary>
    public static readonly SearchValues<char> TokenChars = SearchValues.Create(Encoding.Latin1.GetString(Members(b => s_token[b])));

    /// <summary>The field-value bytes gunicorn refuses (<see cref="IsInvalidFieldByte"/>).</summary>
    public static readonly SearchValues<byte> InvalidFieldBytes = SearchValues.Create(Members(IsInvalidFieldByte));

    /// <summary><see cref="InvalidFieldBytes"/> as chars (a latin-1 decoded value).</summary>
    public static readonly SearchValues<char> InvalidFieldChars = SearchValues.Create(Encoding.Latin1.GetString(Members(IsInvalidFieldByte)));

    public static bool IsToken(byte b) => s_token[b];

    public static bool IsToken(ReadOnlySpan<byte> span) => !span.IsEmpty && !span.ContainsAnyExcept(TokenBytes);

    public static bool IsToken(string s)
    {
        if (s.Length == 0)
        {
            return false;
        }

        foreach (char c in s)
        {
            if (c > 0x7F || !s_token[c])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Field-value bytes gunicorn refuses: CTLs other than HTAB, and DEL.</summary>
    public static bool IsInvalidFieldByte(byte b) => (b < 0x20 && b != (byte)'\t') || b == 0x7F;

    public static bool ContainsInvalidFieldByte(ReadOnlySpan<byte> span) => span.ContainsAny(InvalidFieldBytes);

    /// <summary>A latin-1 decoded value with a byte gunicorn refuses.</summary>
    public static bool ContainsInvalidFieldChar(ReadOnlySpan<char> value) => value.ContainsAny(InvalidFieldChars);

    public static ReadOnlySpan<byte> TrimSpTab(ReadOnlySpan<byte> span)
    {
        int start = 0;
        int end = span.Length;
        while (start < end && (span[start] == (byte)' ' || span[start] == (byte)'\t'))
        {
            start++;
        }

        while (end > start && (span[end - 1] == (byte)' ' || span[end - 1] == (byte)'\t'))
        {
            end--;
        }

        return span[start..end];
    }

    /// <summary>ASCII case-insensitive equality of a wire name with an upper-case literal.</summary>
    public static bool EqualsUpper(ReadOnlySpan<byte> name, ReadOnlySpan<byte> upper)
    {
        if (name.Length != upper.Length)
        {
            return false;
        }

        for (int i = 0; i < name.Length; i++)
        {
            int b = name[i];
            if (b is >= 'a' and <= 'z')
            {
                b -= 32;
            }

            if (b != upper[i])
            {
                return false;
            }
        }

        return true;
    }

    private static byte[] Members(Func<byte, bool> member)
    {
        var bytes = new List<byte>();
        for (int b = 0; b < 256; b++)
        {
            if (member((byte)b))
            {
                bytes.Add((byte)b);
            }
        }

        return [.. bytes];
    }

    private static bool[] BuildToken()
    {
        bool[] table = new bool[256];
        for (int c = '0'; c <= '9'; c++)
        {
            table[c] = true;
        }

        for (int c = 'a'; c <= 'z'; c++)
        {
            table[c] = true;
            table[c - 32] = true;
        }

        foreach (char c in "!#$%&'*+-.^_`|~")
        {
            table[c] = true;
        }

        return table;
    }
}
