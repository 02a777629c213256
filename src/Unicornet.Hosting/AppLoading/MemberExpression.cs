using System.Globalization;
using System.Text;

namespace Unicornet.Hosting.AppLoading;

/// <summary>
/// The MEMBER half of APP_MODULE: a dotted name, optionally called with literal arguments
/// (<c>create_app()</c>, <c>Factory.Create("prod", port=8000, debug=true)</c>).
/// </summary>
/// <param name="Name">The dotted name.</param>
/// <param name="IsCall">Whether parentheses followed the name.</param>
/// <param name="Arguments">Positional and keyword arguments, in order.</param>
internal sealed record MemberExpression(string Name, bool IsCall, IReadOnlyList<LiteralArgument> Arguments)
{
    /// <summary>The last segment of <see cref="Name"/>.</summary>
    public string LastSegment => Name[(Name.LastIndexOf('.') + 1)..];

    /// <summary>Everything before the last segment, or null for a simple name.</summary>
    public string? Qualifier => Name.LastIndexOf('.') is int dot and > 0 ? Name[..dot] : null;

    /// <summary>Parses <paramref name="text"/>; a syntax error becomes an <see cref="AppLoadException"/>.</summary>
    public static MemberExpression Parse(string text)
    {
        var parser = new Parser(text);
        return parser.ParseExpression();
    }

    private ref struct Parser
    {
        private readonly string _text;
        private int _pos;

        public Parser(string text)
        {
            _text = text;
            _pos = 0;
        }

        public MemberExpression ParseExpression()
        {
            SkipSpaces();
            string name = ParseDottedName();
            SkipSpaces();
            if (AtEnd)
            {
                return new MemberExpression(name, false, []);
            }

            if (_text[_pos] != '(')
            {
                throw Syntax();
            }

            _pos++;
            var args = new List<LiteralArgument>();
            SkipSpaces();
            if (!AtEnd && _text[_pos] == ')')
            {
                _pos++;
            }
            else
            {
                while (true)
                {
                    args.Add(ParseArgument());
                    SkipSpaces();
                    if (AtEnd)
                    {
                        throw Syntax();
                    }

                    char c = _text[_pos++];
                    if (c == ')')
                    {
                        break;
                    }

                    if (c != ',')
                    {
                        throw Syntax();
                    }
                }
            }

            SkipSpaces();
            if (!AtEnd)
            {
                throw Syntax();
            }

            bool keywordSeen = false;
            foreach (LiteralArgument arg in args)
            {
                if (arg.Keyword is not null)
                {
                    keywordSeen = true;
                }
                else if (keywordSeen)
                {
                    throw new AppLoadException($"Failed to parse arguments of '{_text}': a positional argument follows a keyword argument.");
                }
            }

            return new MemberExpression(name, true, args);
        }

        private readonly bool AtEnd => _pos >= _text.Length;

        private LiteralArgument ParseArgument()
        {
            SkipSpaces();
            string? keyword = null;
            int start = _pos;
            if (!AtEnd && IsIdentifierStart(_text[_pos]))
            {
                string ident = ParseIdentifier();
                SkipSpaces();
                if (!AtEnd && _text[_pos] == '=')
                {
                    _pos++;
                    keyword = ident;
                    SkipSpaces();
                }
                else
                {
                    _pos = start;
                }
            }

            return new LiteralArgument(keyword, ParseLiteral());
        }

        private object? ParseLiteral()
        {
            if (AtEnd)
            {
                throw Syntax();
            }

            char c = _text[_pos];
            if (c is '"' or '\'')
            {
                return ParseString(c);
            }

            int start = _pos;
            while (!AtEnd && _text[_pos] is not (',' or ')' or ' ' or '\t'))
            {
                _pos++;
            }

            string token = _text[start.._pos];
            switch (token)
            {
                case "true" or "True":
                    return true;
                case "false" or "False":
                    return false;
                case "null" or "None":
                    return null;
            }

            if (long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long integer))
            {
                return integer;
            }

            if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double real))
            {
                return real;
            }

            throw new AppLoadException($"Failed to parse arguments of '{_text}' as literal values: '{token}' is not a string, number, bool or null.");
        }

        private string ParseString(char quote)
        {
            _pos++;
            var sb = new StringBuilder();
            while (!AtEnd)
            {
                char c = _text[_pos++];
                if (c == quote)
                {
                    return sb.ToString();
                }

                if (c == '\\' && !AtEnd)
                {
                    char e = _text[_pos++];
                    sb.Append(e switch
                    {
                        'n' => '\n',
                        't' => '\t',
                        'r' => '\r',
                        '0' => '\0',
                        _ => e,
                    });
                    continue;
                }

                sb.Append(c);
            }

            throw new AppLoadException($"Failed to parse arguments of '{_text}' as literal values: unterminated string.");
        }

        private string ParseDottedName()
        {
            int start = _pos;
            while (true)
            {
                if (AtEnd || !IsIdentifierStart(_text[_pos]))
                {
                    throw Syntax();
                }

                ParseIdentifier();
                if (!AtEnd && _text[_pos] is '.' or '+')
                {
                    _pos++;
                    continue;
                }

                return _text[start.._pos].Replace('+', '.');
            }
        }

        private string ParseIdentifier()
        {
            int start = _pos;
            while (!AtEnd && (char.IsLetterOrDigit(_text[_pos]) || _text[_pos] == '_'))
            {
                _pos++;
            }

            return _text[start.._pos];
        }

        private void SkipSpaces()
        {
            while (!AtEnd && _text[_pos] is ' ' or '\t')
            {
                _pos++;
            }
        }

        private static bool IsIdentifierStart(char c) => char.IsLetter(c) || c == '_';

        private readonly AppLoadException Syntax() =>
            new($"Failed to parse '{_text}' as an attribute name or function call.");
    }
}

/// <summary>One literal argument of a factory call.</summary>
/// <param name="Keyword">The parameter name for <c>name=value</c>, else null.</param>
/// <param name="Value">A string, long, double, bool or null.</param>
internal sealed record LiteralArgument(string? Keyword, object? Value);
