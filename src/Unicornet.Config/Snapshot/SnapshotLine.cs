using System.Buffers;
using System.Globalization;
using System.Text;

namespace Unicornet.Config.Snapshot;

/// <summary>
/// Reads the values of one snapshot record (one line; the format is described on <see cref="ConfigSnapshot"/>).
/// Strict: anything the writer would not have written is a <see cref="ConfigException"/> naming the line, the
/// column and what was expected.
/// </summary>
internal sealed class SnapshotLine
{
    private static readonly SearchValues<char> s_decimalChars = SearchValues.Create("0123456789.E+-");
    private static readonly SearchValues<char> s_upperHex = SearchValues.Create("0123456789ABCDEF");
    private readonly string _text;
    private int _pos;

    public SnapshotLine(string text, int number)
    {
        _text = text;
        Number = number;
    }

    /// <summary>The 1-based line number, for errors.</summary>
    public int Number { get; }

    /// <summary>True when only spaces are left.</summary>
    public bool AtEnd
    {
        get
        {
            SkipSpaces();
            return _pos == _text.Length;
        }
    }

    /// <summary>A bare word (<c>[A-Za-z0-9_.-]+</c>): a keyword, a setting name, an origin.</summary>
    public string Word(string what)
    {
        SkipSpaces();
        int start = _pos;
        while (_pos < _text.Length && IsWordChar(_text[_pos]))
        {
            _pos++;
        }

        if (_pos == start)
        {
            throw Error(what);
        }

        RequireBoundary();
        return _text[start.._pos];
    }

    /// <summary>A quoted string.</summary>
    public string String(string what)
    {
        SkipSpaces();
        if (_pos >= _text.Length || _text[_pos] != '"')
        {
            throw Error(what + " (a quoted string)");
        }

        string s = ReadString();
        RequireBoundary();
        return s;
    }

    /// <summary>A quoted string or <c>null</c>.</summary>
    public string? StringOrNull(string what)
    {
        SkipSpaces();
        if (Peek("null"))
        {
            _pos += 4;
            RequireBoundary();
            return null;
        }

        return String(what + " or null");
    }

    /// <summary>An integer that fits an <see cref="int"/>.</summary>
    public int Int(string what)
    {
        int start = _pos;
        return Value() is long l && l is >= int.MinValue and <= int.MaxValue ? (int)l : throw ErrorAt(start, what + " (an integer)");
    }

    /// <summary>
    /// Any value: <c>null</c>, <c>true</c>, <c>false</c>, an integer (<see cref="long"/>), a double (with a
    /// <c>.</c> or an exponent, or <c>nan</c>, <c>inf</c>, <c>-inf</c>), a quoted string, a list
    /// <c>[v v]</c> (<see cref="List{T}"/>) or a map <c>{"k"=v "k"=v}</c> (<see cref="Dictionary{TKey, TValue}"/>).
    /// </summary>
    public object? Value()
    {
        SkipSpaces();
        if (_pos >= _text.Length)
        {
            throw Error("a value");
        }

        object? value;
        switch (_text[_pos])
        {
            case '"':
                value = ReadString();
                break;
            case '[':
                value = ReadList();
                break;
            case '{':
                value = ReadMap();
                break;
            default:
                value = ReadAtom();
                break;
        }

        RequireBoundary();
        return value;
    }

    /// <summary>The record must end here.</summary>
    public void End()
    {
        if (!AtEnd)
        {
            throw Error("the end of the line");
        }
    }

    /// <summary>An error at the current position: <paramref name="expected"/> was expected.</summary>
    public ConfigException Error(string expected) => ErrorAt(_pos, expected);

    /// <summary>An error about the record as a whole.</summary>
    public ConfigException Fail(string message) =>
        new($"malformed config snapshot, line {Number}: {message}", subject: "config snapshot");

    private ConfigException ErrorAt(int pos, string expected)
    {
        string got = pos >= _text.Length ? "the end of the line" : "'" + Excerpt(pos) + "'";
        return new ConfigException($"malformed config snapshot, line {Number}, column {pos + 1}: expected {expected}, got {got}", subject: "config snapshot");
    }

    private string Excerpt(int pos)
    {
        string rest = _text[pos..];
        return rest.Length <= 24 ? rest : rest[..24] + "...";
    }

    private List<object?> ReadList()
    {
        _pos++;
        var list = new List<object?>();
        while (true)
        {
            SkipSpaces();
            if (_pos < _text.Length && _text[_pos] == ']')
            {
                _pos++;
                return list;
            }

            if (_pos >= _text.Length)
            {
                throw Error("a value or ']'");
            }

            list.Add(Value());
        }
    }

    private Dictionary<string, object?> ReadMap()
    {
        _pos++;
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        while (true)
        {
            SkipSpaces();
            if (_pos < _text.Length && _text[_pos] == '}')
            {
                _pos++;
                return map;
            }

            if (_pos >= _text.Length || _text[_pos] != '"')
            {
                throw Error("a quoted key or '}'");
            }

            int keyAt = _pos;
            string key = ReadString();
            if (_pos >= _text.Length || _text[_pos] != '=')
            {
                throw Error("'=' after the key");
            }

            _pos++;
            if (_pos >= _text.Length || _text[_pos] == ' ')
            {
                throw Error("a value right after '='");
            }

            if (!map.TryAdd(key, Value()))
            {
                throw ErrorAt(keyAt, "each key once");
            }
        }
    }

    private object? ReadAtom()
    {
        int start = _pos;
        while (_pos < _text.Length && _text[_pos] is not (' ' or ']' or '}' or '=' or '"' or '[' or '{'))
        {
            _pos++;
        }

        ReadOnlySpan<char> atom = _text.AsSpan(start, _pos - start);
        switch (atom)
        {
            case "null":
                return null;
            case "true":
                return true;
            case "false":
                return false;
            case "nan":
                return double.NaN;
            case "inf":
                return double.PositiveInfinity;
            case "-inf":
                return double.NegativeInfinity;
        }

        if (IsInteger(atom))
        {
            return long.TryParse(atom, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l) ? l : throw ErrorAt(start, "an integer within 64 bits");
        }

        if (IsDecimal(atom) && double.TryParse(atom, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out double d))
        {
            return d;
        }

        throw ErrorAt(start, "a value (null, true, false, a number, a quoted string, [list] or {map})");
    }

    private string ReadString()
    {
        int open = _pos;
        _pos++;
        var s = new StringBuilder();
        while (true)
        {
            if (_pos >= _text.Length)
            {
                throw ErrorAt(open, "a string closed on the same line");
            }

            char c = _text[_pos++];
            if (c == '"')
            {
                return s.ToString();
            }

            if (c == '\\')
            {
                s.Append(ReadEscape());
            }
            else if (c < 0x20 || c == 0x7F)
            {
                throw ErrorAt(_pos - 1, "no raw control character in a string (they are written as escapes)");
            }
            else
            {
                s.Append(c);
            }
        }
    }

    private char ReadEscape()
    {
        int at = _pos - 1;
        if (_pos >= _text.Length)
        {
            throw ErrorAt(at, "an escape: \\\" \\\\ \\n \\r \\t or \\uXXXX");
        }

        char e = _text[_pos++];
        switch (e)
        {
            case '"':
                return '"';
            case '\\':
                return '\\';
            case 'n':
                return '\n';
            case 'r':
                return '\r';
            case 't':
                return '\t';
            case 'u' when _pos + 4 <= _text.Length && IsUpperHex(_text.AsSpan(_pos, 4)):
                char c = (char)int.Parse(_text.AsSpan(_pos, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
                _pos += 4;
                return c;
            default:
                throw ErrorAt(at, "an escape: \\\" \\\\ \\n \\r \\t or \\uXXXX");
        }
    }

    private void RequireBoundary()
    {
        if (_pos < _text.Length && _text[_pos] is not (' ' or ']' or '}'))
        {
            throw Error("a space between values");
        }
    }

    private void SkipSpaces()
    {
        while (_pos < _text.Length && _text[_pos] == ' ')
        {
            _pos++;
        }
    }

    private bool Peek(string word) =>
        string.CompareOrdinal(_text, _pos, word, 0, word.Length) == 0
        && (_pos + word.Length == _text.Length || _text[_pos + word.Length] is ' ' or ']' or '}');

    private static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.';

    private static bool IsInteger(ReadOnlySpan<char> atom)
    {
        ReadOnlySpan<char> digits = atom.Length > 0 && atom[0] == '-' ? atom[1..] : atom;
        return digits.Length > 0 && !digits.ContainsAnyExceptInRange('0', '9');
    }

    private static bool IsDecimal(ReadOnlySpan<char> atom) =>
        atom.Length > 0 && atom.ContainsAny('.', 'E') && !atom.ContainsAnyExcept(s_decimalChars);

    private static bool IsUpperHex(ReadOnlySpan<char> digits) => !digits.ContainsAnyExcept(s_upperHex);
}
