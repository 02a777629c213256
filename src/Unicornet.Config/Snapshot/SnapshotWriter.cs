using System.Collections;
using System.Globalization;
using System.Text;

namespace Unicornet.Config.Snapshot;

/// <summary>
/// Writes the config snapshot's text (the format is described on <see cref="ConfigSnapshot"/>): records of one
/// line each, a keyword then values separated by spaces.
/// </summary>
internal sealed class SnapshotWriter
{
    private readonly StringBuilder _text = new(16 * 1024);
    private bool _inLine;

    /// <summary>A bare word: a record's keyword, a setting name, an origin.</summary>
    public SnapshotWriter Word(string word)
    {
        Separate();
        _text.Append(word);
        return this;
    }

    /// <summary>A value: null, a bool, a number, a string, a list or a map of them.</summary>
    public SnapshotWriter Value(object? value)
    {
        Separate();
        Write(value);
        return this;
    }

    /// <summary>Ends the record.</summary>
    public void EndLine()
    {
        _text.Append('\n');
        _inLine = false;
    }

    public override string ToString() => _text.ToString();

    private void Separate()
    {
        if (_inLine)
        {
            _text.Append(' ');
        }

        _inLine = true;
    }

    private void Write(object? value)
    {
        switch (value)
        {
            case null:
                _text.Append("null");
                break;
            case bool b:
                _text.Append(b ? "true" : "false");
                break;
            case string s:
                WriteString(s);
                break;
            case sbyte or byte or short or ushort or int or uint or long:
                _text.Append(((IFormattable)value).ToString(null, CultureInfo.InvariantCulture));
                break;
            case ulong u when u <= long.MaxValue:
                _text.Append(u.ToString(CultureInfo.InvariantCulture));
                break;
            case double d:
                WriteDouble(d);
                break;
            case float f:
                WriteDouble(f);
                break;
            case IDictionary<string, string> map:
                _text.Append('{');
                bool firstPair = true;
                foreach (KeyValuePair<string, string> pair in map)
                {
                    StartItem(ref firstPair);
                    WriteString(pair.Key);
                    _text.Append('=');
                    WriteString(pair.Value);
                }

                _text.Append('}');
                break;
            case IDictionary<string, object?> map:
                _text.Append('{');
                bool firstEntry = true;
                foreach (KeyValuePair<string, object?> pair in map)
                {
                    StartItem(ref firstEntry);
                    WriteString(pair.Key);
                    _text.Append('=');
                    Write(pair.Value);
                }

                _text.Append('}');
                break;
            case IDictionary map:
                // Any other dictionary a script put into a Dictionary<string, object?> setting: keys as text.
                _text.Append('{');
                bool firstKey = true;
                foreach (DictionaryEntry pair in map)
                {
                    StartItem(ref firstKey);
                    WriteString(Convert.ToString(pair.Key, CultureInfo.InvariantCulture) ?? "");
                    _text.Append('=');
                    Write(pair.Value);
                }

                _text.Append('}');
                break;
            case IEnumerable list:
                _text.Append('[');
                bool firstItem = true;
                foreach (object? item in list)
                {
                    StartItem(ref firstItem);
                    Write(item);
                }

                _text.Append(']');
                break;
            default:
                WriteString(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "");
                break;
        }
    }

    private void StartItem(ref bool first)
    {
        if (!first)
        {
            _text.Append(' ');
        }

        first = false;
    }

    private void WriteDouble(double d)
    {
        if (double.IsNaN(d))
        {
            _text.Append("nan");
        }
        else if (double.IsInfinity(d))
        {
            _text.Append(d > 0 ? "inf" : "-inf");
        }
        else
        {
            // A double always shows a '.' or an exponent, so it reads back as a double, not an integer.
            string text = d.ToString("R", CultureInfo.InvariantCulture);
            _text.Append(text);
            if (text.AsSpan().IndexOfAny('.', 'E') < 0)
            {
                _text.Append(".0");
            }
        }
    }

    /// <summary>
    /// A quoted string. Quote, backslash and line breaks are escaped, so a record never spans lines; other
    /// control characters and lone surrogates (which UTF-8 cannot carry) as <c>\uXXXX</c>; the rest as UTF-8.
    /// </summary>
    private void WriteString(string s)
    {
        _text.Append('"');
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            switch (c)
            {
                case '"':
                    _text.Append("\\\"");
                    break;
                case '\\':
                    _text.Append("\\\\");
                    break;
                case '\n':
                    _text.Append("\\n");
                    break;
                case '\r':
                    _text.Append("\\r");
                    break;
                case '\t':
                    _text.Append("\\t");
                    break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
                    {
                        _text.Append(c).Append(s[++i]);
                    }
                    else if (c < 0x20 || c == 0x7F || char.IsSurrogate(c))
                    {
                        _text.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        _text.Append(c);
                    }

                    break;
            }
        }

        _text.Append('"');
    }
}
