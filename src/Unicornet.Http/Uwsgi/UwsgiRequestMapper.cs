using System.Globalization;
using System.Net;
using System.Text;
using Unicornet.Http.Parsing;

namespace Unicornet.Http.Uwsgi;

/// <summary>
/// Turns a packet's vars into the engine's request: the same <see cref="RequestHead"/> (and so the same
/// HttpContext) an HTTP request through nginx's <c>proxy_pass</c> produces. REQUEST_METHOD, REQUEST_URI (or
/// SCRIPT_NAME + PATH_INFO) and QUERY_STRING make the request line; HTTP_* vars become headers (underscores
/// become dashes), CONTENT_TYPE and CONTENT_LENGTH too; HTTPS, wsgi.url_scheme or REQUEST_SCHEME give the scheme;
/// REMOTE_*/SERVER_* the addresses. The version is always HTTP/1.1, as in gunicorn. Strings are made only for the
/// vars the request uses.
/// </summary>
internal sealed class UwsgiRequestMapper
{
    public const int HeaderPrefixLength = 5;

    // Hop-by-hop fields of the client's connection to the front end. nginx's proxy_pass drops them (or sets its
    // own), so an app must not see them over uwsgi_pass either; the body arrives by CONTENT_LENGTH, already
    // de-chunked and past any 100-continue the front end handled.
    // HTTP_CONTENT_LENGTH and HTTP_CONTENT_TYPE are the client's copies nginx passes beside the CGI vars: the
    // CONTENT_* vars are the ones that count (the body is framed by CONTENT_LENGTH alone).
    private static readonly byte[][] s_notPassed =
        ["CONNECTION"u8.ToArray(), "KEEP_ALIVE"u8.ToArray(), "TRANSFER_ENCODING"u8.ToArray(), "TE"u8.ToArray(),
         "UPGRADE"u8.ToArray(), "EXPECT"u8.ToArray(), "PROXY_CONNECTION"u8.ToArray(),
         "CONTENT_LENGTH"u8.ToArray(), "CONTENT_TYPE"u8.ToArray()];

    private readonly HttpParserSettings _settings;

    public UwsgiRequestMapper(HttpParserSettings settings) => _settings = settings;

    [Flags]
    private enum Seen
    {
        None = 0,
        Method = 1 << 0,
        RequestUri = 1 << 1,
        PathInfo = 1 << 2,
        ScriptName = 1 << 3,
        Query = 1 << 4,
        ContentLength = 1 << 5,
        ContentType = 1 << 6,
        Https = 1 << 7,
        UrlScheme = 1 << 8,
        RequestScheme = 1 << 9,
        RemoteAddr = 1 << 10,
        RemotePort = 1 << 11,
        ServerAddr = 1 << 12,
        ServerPort = 1 << 13,
        Host = 1 << 14,
        Connection = 1 << 15,
    }

    /// <summary>The length of the header name <paramref name="name"/> stands for, or -1 when it is not a header var.</summary>
    public static int HeaderNameLength(ReadOnlySpan<byte> name) =>
        name.Length > HeaderPrefixLength && name.StartsWith("HTTP_"u8) ? name.Length - HeaderPrefixLength
        : name.SequenceEqual("CONTENT_TYPE"u8) || name.SequenceEqual("CONTENT_LENGTH"u8) ? name.Length
        : -1;

    /// <summary>Fills <paramref name="head"/> and <paramref name="info"/> from the vars (<paramref name="vars"/>: name and value ranges into <paramref name="block"/>).</summary>
    public void Map(ReadOnlySpan<byte> block, ReadOnlySpan<Range> vars, RequestHead head, UwsgiRequestInfo info)
    {
        head.Reset();
        info.Reset();
        head.VersionMajor = 1;
        head.VersionMinor = 1;
        head.Uwsgi = info;
        Seen seen = Seen.None;
        string? scheme = null;
        string? pathInfo = null;
        string? query = null;
        string? requestUri = null;
        for (int i = 0; i < vars.Length; i += 2)
        {
            ReadOnlySpan<byte> name = block[vars[i]];
            ReadOnlySpan<byte> value = block[vars[i + 1]];
            if (name.Length > HeaderPrefixLength && name.StartsWith("HTTP_"u8))
            {
                AddHeader(name[HeaderPrefixLength..], value, head, ref seen);
                continue;
            }

            Seen kind = Classify(name);
            if (kind != Seen.None)
            {
                Once(ref seen, kind, name);
            }

            switch (kind)
            {
                case Seen.Method:
                    HttpRequestParser.ValidateMethod(value, _settings);
                    head.Method = HttpRequestParser.MethodString(value, _settings.CasefoldMethod);
                    break;
                case Seen.RequestUri:
                    requestUri = Target(value);
                    break;
                case Seen.PathInfo:
                    pathInfo = Utf8(value);
                    break;
                case Seen.ScriptName:
                    info.ScriptName = Utf8(value).TrimEnd('/');
                    break;
                case Seen.Query:
                    query = Field(value);
                    break;
                case Seen.ContentLength:
                    if (!value.IsEmpty)
                    {
                        head.ContentLength = ContentLength(value);
                        head.Headers.Add(new KeyValuePair<string, string>("Content-Length", Encoding.Latin1.GetString(value)));
                    }

                    break;
                case Seen.ContentType:
                    if (!value.IsEmpty)
                    {
                        head.Headers.Add(new KeyValuePair<string, string>("Content-Type", Field(value)));
                    }

                    break;
                case Seen.Https:
                    scheme = IsOn(value) ? "https" : "http";
                    break;
                case Seen.UrlScheme:
                    if ((seen & Seen.Https) == 0 || scheme is null)
                    {
                        scheme = Scheme(value) ?? scheme;
                    }

                    break;
                case Seen.RequestScheme:
                    // Read last, by RequestScheme(): HTTPS and wsgi.url_scheme come first.
                    break;
                case Seen.RemoteAddr:
                    info.RemoteAddress = Address(value);
                    break;
                case Seen.RemotePort:
                    info.RemotePort = Math.Max(0, Port(value));
                    break;
                case Seen.ServerAddr:
                    info.LocalAddress = Address(value);
                    break;
                case Seen.ServerPort:
                    info.LocalPort = Port(value);
                    break;
                default:
                    // DOCUMENT_ROOT, SERVER_NAME, SERVER_PROTOCOL, UWSGI_*...: nothing an HttpContext carries.
                    break;
            }
        }

        if (head.Method.Length == 0)
        {
            head.Method = "GET";
        }

        head.HeaderScheme = scheme ?? RequestScheme(block, vars);
        SetTarget(head, info, requestUri, pathInfo, query);
        if (head.ContentLength < 0)
        {
            // A front end sends CONTENT_LENGTH for every body (nginx buffers a chunked upload into a length).
            head.ContentLength = 0;
        }
    }

    private static Seen Classify(ReadOnlySpan<byte> name) => name switch
    {
        _ when name.SequenceEqual("REQUEST_METHOD"u8) => Seen.Method,
        _ when name.SequenceEqual("REQUEST_URI"u8) => Seen.RequestUri,
        _ when name.SequenceEqual("PATH_INFO"u8) => Seen.PathInfo,
        _ when name.SequenceEqual("SCRIPT_NAME"u8) => Seen.ScriptName,
        _ when name.SequenceEqual("QUERY_STRING"u8) => Seen.Query,
        _ when name.SequenceEqual("CONTENT_LENGTH"u8) => Seen.ContentLength,
        _ when name.SequenceEqual("CONTENT_TYPE"u8) => Seen.ContentType,
        _ when name.SequenceEqual("HTTPS"u8) => Seen.Https,
        _ when name.SequenceEqual("wsgi.url_scheme"u8) => Seen.UrlScheme,
        _ when name.SequenceEqual("REQUEST_SCHEME"u8) => Seen.RequestScheme,
        _ when name.SequenceEqual("REMOTE_ADDR"u8) => Seen.RemoteAddr,
        _ when name.SequenceEqual("REMOTE_PORT"u8) => Seen.RemotePort,
        _ when name.SequenceEqual("SERVER_ADDR"u8) => Seen.ServerAddr,
        _ when name.SequenceEqual("SERVER_PORT"u8) => Seen.ServerPort,
        _ => Seen.None,
    };

    /// <summary>A var that decides the request may come once: two REQUEST_METHODs (or Hosts) are ambiguous.</summary>
    private static void Once(ref Seen seen, Seen flag, ReadOnlySpan<byte> name)
    {
        if ((seen & flag) != 0)
        {
            throw UwsgiPacketParser.Invalid("duplicate " + Encoding.ASCII.GetString(name));
        }

        seen |= flag;
    }

    /// <summary>HTTP_X_REQUEST_ID → X-Request-Id: the header as a client would have spelled it.</summary>
    private static void AddHeader(ReadOnlySpan<byte> varName, ReadOnlySpan<byte> value, RequestHead head, ref Seen seen)
    {
        if (HttpChars.ContainsInvalidFieldByte(value))
        {
            throw new HttpParseException(HttpParseError.InvalidHeader);
        }

        if (varName.SequenceEqual("HOST"u8))
        {
            Once(ref seen, Seen.Host, "HTTP_HOST"u8);
        }
        else if (varName.SequenceEqual("CONNECTION"u8) && (seen & Seen.Connection) == 0)
        {
            // The first Connection field decides, as over HTTP; a closing peer gets one request.
            seen |= Seen.Connection;
            head.ConnectionClose = value.SequenceEqual("close"u8) ? true : value.SequenceEqual("keep-alive"u8) ? false : null;
        }

        foreach (byte[] hop in s_notPassed)
        {
            if (varName.SequenceEqual(hop))
            {
                return;
            }
        }

        Span<byte> headerName = stackalloc byte[varName.Length];
        bool wordStart = true;
        for (int i = 0; i < varName.Length; i++)
        {
            byte b = varName[i];
            if (b == (byte)'_')
            {
                headerName[i] = (byte)'-';
                wordStart = true;
                continue;
            }

            headerName[i] = wordStart ? b : b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b + 32) : b;
            wordStart = false;
        }

        head.Headers.Add(new KeyValuePair<string, string>(KnownHeaderNames.Get(headerName), value.IsEmpty ? "" : Encoding.Latin1.GetString(value)));
    }

    /// <summary>
    /// The path and query as the HTTP request line would carry them. REQUEST_URI is the raw target the client sent,
    /// decoded by the engine exactly as over HTTP (PATH_INFO is the front end's decoded and normalised copy, which
    /// would lose an encoded slash); without it the path is SCRIPT_NAME + PATH_INFO as given.
    /// </summary>
    private static void SetTarget(RequestHead head, UwsgiRequestInfo info, string? requestUri, string? pathInfo, string? query)
    {
        if (requestUri is not null)
        {
            int q = requestUri.IndexOf('?', StringComparison.Ordinal);
            int hash = requestUri.IndexOf('#', StringComparison.Ordinal);
            int pathEnd = q >= 0 ? q : hash >= 0 ? hash : requestUri.Length;
            head.RawTarget = requestUri;
            head.Path = requestUri[..pathEnd];
            head.Query = query ?? (q < 0 ? "" : requestUri[(q + 1)..(hash > q ? hash : requestUri.Length)]);
            return;
        }

        string path = info.ScriptName + (pathInfo ?? "");
        if (path.Length == 0 || path[0] != '/')
        {
            path = "/" + path;
        }

        info.DecodedPath = path;
        head.Path = path;
        head.Query = query ?? "";
        head.RawTarget = head.Query.Length == 0 ? path : path + "?" + head.Query;
    }

    /// <summary>REQUEST_URI must be an origin-form target with no byte a request line could not carry.</summary>
    private static string Target(ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty || value[0] != (byte)'/')
        {
            throw UwsgiPacketParser.Invalid("REQUEST_URI is not an origin-form target");
        }

        foreach (byte b in value)
        {
            if (b <= 0x20 || b == 0x7F)
            {
                throw UwsgiPacketParser.Invalid("REQUEST_URI has a control byte or a space");
            }
        }

        return Encoding.Latin1.GetString(value);
    }

    private static string Field(ReadOnlySpan<byte> value)
    {
        if (HttpChars.ContainsInvalidFieldByte(value))
        {
            throw new HttpParseException(HttpParseError.InvalidHeader);
        }

        return value.IsEmpty ? "" : Encoding.Latin1.GetString(value);
    }

    private static string Utf8(ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty)
        {
            return "";
        }

        if (HttpChars.ContainsInvalidFieldByte(value))
        {
            throw UwsgiPacketParser.Invalid("control byte in a path var");
        }

        return Encoding.UTF8.GetString(value);
    }

    private static long ContentLength(ReadOnlySpan<byte> value)
    {
        long length = 0;
        foreach (byte b in value)
        {
            if (b is < (byte)'0' or > (byte)'9' || length > (long.MaxValue - 9) / 10)
            {
                throw new HttpParseException(HttpParseError.InvalidHeader, "CONTENT_LENGTH");
            }

            length = (length * 10) + (b - '0');
        }

        return length;
    }

    private static bool IsOn(ReadOnlySpan<byte> value) =>
        HttpChars.EqualsUpper(value, "ON"u8) || value.SequenceEqual("1"u8) || HttpChars.EqualsUpper(value, "TRUE"u8);

    private static string? Scheme(ReadOnlySpan<byte> value) =>
        HttpChars.EqualsUpper(value, "HTTPS"u8) ? "https" : HttpChars.EqualsUpper(value, "HTTP"u8) ? "http" : null;

    /// <summary>REQUEST_SCHEME counts only when neither HTTPS nor wsgi.url_scheme was sent (nginx always sends it, for its own listener).</summary>
    private static string? RequestScheme(ReadOnlySpan<byte> block, ReadOnlySpan<Range> vars)
    {
        for (int i = 0; i < vars.Length; i += 2)
        {
            if (block[vars[i]].SequenceEqual("REQUEST_SCHEME"u8))
            {
                return Scheme(block[vars[i + 1]]);
            }
        }

        return null;
    }

    private static IPAddress? Address(ReadOnlySpan<byte> value)
    {
        Span<char> chars = stackalloc char[Math.Min(value.Length, 64)];
        if (value.Length > chars.Length)
        {
            return null;
        }

        for (int i = 0; i < value.Length; i++)
        {
            chars[i] = (char)value[i];
        }

        return IPAddress.TryParse(chars, out IPAddress? address) ? address : null;
    }

    private static int Port(ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty || value.Length > 5)
        {
            return -1;
        }

        int port = 0;
        foreach (byte b in value)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return -1;
            }

            port = (port * 10) + (b - '0');
        }

        return port <= 65535 ? port : -1;
    }
}
