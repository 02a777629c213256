using System.Text;
using Unicornet.Http.Forwarding;

namespace Unicornet.Http.Parsing;

/// <summary>
/// gunicorn 26's HTTP/1.x request-head rules over a contiguous buffer. Stateless: the caller re-runs it on the
/// grown buffer until it reports a complete head, so the result never depends on how the bytes were chunked.
/// </summary>
internal static class HttpRequestParser
{
    /// <summary>
    /// Parses the head at the start of <paramref name="data"/>. Returns false when more bytes are needed (after
    /// applying every limit that can already be decided); throws <see cref="HttpParseException"/> for a bad request.
    /// </summary>
    public static bool TryParseHead(ReadOnlySpan<byte> data, bool eof, HttpParserSettings settings, bool trusted, RequestHead head, out int consumed)
    {
        consumed = 0;
        int limit = settings.LimitRequestLine;
        int lineEnd = data.IndexOf("\r\n"u8);
        if (lineEnd < 0)
        {
            if (limit > 0 && data.Length - 2 > limit)
            {
                throw new HttpParseException(HttpParseError.LimitRequestLine);
            }

            if (eof)
            {
                throw new HttpParseException(HttpParseError.NoMoreData);
            }

            return false;
        }

        if (limit > 0 && lineEnd > limit)
        {
            throw new HttpParseException(HttpParseError.LimitRequestLine);
        }

        ReadOnlySpan<byte> line = data[..lineEnd];
        ReadOnlySpan<byte> rest = data[(lineEnd + 2)..];
        int blockLength;
        int restConsumed;
        if (rest.Length >= 2 && rest[0] == (byte)'\r' && rest[1] == (byte)'\n')
        {
            blockLength = 0;
            restConsumed = 2;
        }
        else
        {
            int idx = rest.IndexOf("\r\n\r\n"u8);
            if (idx < 0)
            {
                // gunicorn reads and judges the request line before waiting for the headers.
                ParseRequestLine(line, settings, head, materialize: false);
                if (rest.Length > settings.MaxHeaderBuffer)
                {
                    throw new HttpParseException(HttpParseError.LimitRequestHeaders, "max buffer headers");
                }

                if (eof)
                {
                    throw new HttpParseException(HttpParseError.NoMoreData);
                }

                return false;
            }

            blockLength = idx;
            restConsumed = idx + 4;
        }

        head.Reset();
        ParseRequestLine(line, settings, head, materialize: true);
        ParseHeaders(rest[..blockLength], settings, trusted, head, fromTrailer: false);
        SetBodyFraming(head);
        consumed = lineEnd + 2 + restConsumed;
        return true;
    }

    /// <summary>Parses a chunked body's trailer block (without its final CRLF CRLF).</summary>
    public static void ParseTrailers(ReadOnlySpan<byte> block, HttpParserSettings settings, RequestHead head) =>
        ParseHeaders(block, settings, trusted: false, head, fromTrailer: true);

    private static void ParseRequestLine(ReadOnlySpan<byte> line, HttpParserSettings settings, RequestHead head, bool materialize)
    {
        SplitRequestLine(line, out ReadOnlySpan<byte> method, out ReadOnlySpan<byte> uri, out ReadOnlySpan<byte> version);
        ValidateMethod(method, settings);
        ValidateTarget(method, uri, settings, out Range path, out Range query, out Range fragment);
        ParseVersion(version, settings, out int major, out int minor);
        if (!materialize)
        {
            return;
        }

        head.Method = MethodString(method, settings.CasefoldMethod);
        head.RawTarget = Encoding.Latin1.GetString(uri);
        head.Path = Slice(head.RawTarget, path);
        head.Query = Slice(head.RawTarget, query);
        head.Fragment = Slice(head.RawTarget, fragment);
        head.VersionMajor = major;
        head.VersionMinor = minor;
    }

    private static void SplitRequestLine(ReadOnlySpan<byte> line, out ReadOnlySpan<byte> method, out ReadOnlySpan<byte> uri, out ReadOnlySpan<byte> version)
    {
        int sp1 = line.IndexOf((byte)' ');
        if (sp1 < 0)
        {
            throw new HttpParseException(HttpParseError.InvalidRequestLine);
        }

        method = line[..sp1];
        ReadOnlySpan<byte> afterMethod = line[(sp1 + 1)..];
        int sp2 = afterMethod.IndexOf((byte)' ');
        if (sp2 < 0)
        {
            throw new HttpParseException(HttpParseError.InvalidRequestLine);
        }

        uri = afterMethod[..sp2];
        version = afterMethod[(sp2 + 1)..];
    }

    internal static void ValidateMethod(ReadOnlySpan<byte> method, HttpParserSettings settings) =>
        ValidateMethod(method, settings.PermitUnconventionalMethod);

    /// <summary>gunicorn's method rules: a token, and unless permitted, 3 to 20 characters without lower case or '#'.</summary>
    internal static void ValidateMethod(ReadOnlySpan<byte> method, bool permitUnconventional)
    {
        if (!permitUnconventional)
        {
            foreach (byte b in method)
            {
                if ((b >= 'a' && b <= 'z') || b == '#')
                {
                    throw new HttpParseException(HttpParseError.InvalidRequestMethod);
                }
            }

            if (method.Length < 3 || method.Length > 20)
            {
                throw new HttpParseException(HttpParseError.InvalidRequestMethod);
            }
        }

        if (!HttpChars.IsToken(method))
        {
            throw new HttpParseException(HttpParseError.InvalidRequestMethod);
        }
    }

    /// <summary>The request target's form must suit the method (<c>*</c> only for OPTIONS, authority-form for CONNECT).</summary>
    private static void ValidateTarget(ReadOnlySpan<byte> method, ReadOnlySpan<byte> uri, HttpParserSettings settings, out Range path, out Range query, out Range fragment)
    {
        if (uri.IsEmpty)
        {
            throw new HttpParseException(HttpParseError.InvalidRequestLine);
        }

        bool isOptions = MethodEquals(method, "OPTIONS"u8, settings.CasefoldMethod);
        bool isConnect = MethodEquals(method, "CONNECT"u8, settings.CasefoldMethod);
        bool asterisk = uri.Length == 1 && uri[0] == (byte)'*';
        if (asterisk && !isOptions)
        {
            throw new HttpParseException(HttpParseError.InvalidRequestLine);
        }

        if (!isConnect && !asterisk && uri[0] != (byte)'/' && uri.IndexOf("://"u8) < 0)
        {
            throw new HttpParseException(HttpParseError.InvalidRequestLine);
        }

        if (!UriSplitter.TrySplit(uri, out path, out query, out fragment, out _))
        {
            throw new HttpParseException(HttpParseError.InvalidRequestLine);
        }
    }

    private static void ParseVersion(ReadOnlySpan<byte> version, HttpParserSettings settings, out int major, out int minor)
    {
        if (version.Length != 8 || !version.StartsWith("HTTP/"u8) || version[6] != (byte)'.'
            || !char.IsAsciiDigit((char)version[5]) || !char.IsAsciiDigit((char)version[7]))
        {
            throw new HttpParseException(HttpParseError.InvalidHTTPVersion);
        }

        major = version[5] - '0';
        minor = version[7] - '0';
        if (major != 1 && !settings.PermitUnconventionalVersion)
        {
            throw new HttpParseException(HttpParseError.InvalidHTTPVersion);
        }
    }

    private static string Slice(string s, Range range)
    {
        (int offset, int length) = range.GetOffsetAndLength(s.Length);
        return length == 0 ? "" : offset == 0 && length == s.Length ? s : s.Substring(offset, length);
    }

    private static bool MethodEquals(ReadOnlySpan<byte> method, ReadOnlySpan<byte> upper, bool casefold) =>
        casefold ? HttpChars.EqualsUpper(method, upper) : method.SequenceEqual(upper);

    internal static string MethodString(ReadOnlySpan<byte> method, bool casefold)
    {
        if (casefold)
        {
            Span<byte> upper = stackalloc byte[method.Length];
            for (int i = 0; i < method.Length; i++)
            {
                byte b = method[i];
                upper[i] = b is >= (byte)'a' and <= (byte)'z' ? (byte)(b - 32) : b;
            }

            return MethodString(upper, casefold: false);
        }

        return method switch
        {
            _ when method.SequenceEqual("GET"u8) => "GET",
            _ when method.SequenceEqual("POST"u8) => "POST",
            _ when method.SequenceEqual("HEAD"u8) => "HEAD",
            _ when method.SequenceEqual("PUT"u8) => "PUT",
            _ when method.SequenceEqual("DELETE"u8) => "DELETE",
            _ when method.SequenceEqual("OPTIONS"u8) => "OPTIONS",
            _ when method.SequenceEqual("PATCH"u8) => "PATCH",
            _ when method.SequenceEqual("CONNECT"u8) => "CONNECT",
            _ => Encoding.Latin1.GetString(method),
        };
    }

    private static void ParseHeaders(ReadOnlySpan<byte> block, HttpParserSettings settings, bool trusted, RequestHead head, bool fromTrailer)
    {
        List<KeyValuePair<string, string>> target = fromTrailer ? head.Trailers : head.Headers;
        var seen = default(SeenFields);
        bool applyForwarding = trusted && !fromTrailer;
        int pos = 0;
        bool more = block.Length > 0;
        while (more)
        {
            if (target.Count >= settings.LimitRequestFields)
            {
                throw new HttpParseException(HttpParseError.LimitRequestHeaders, "limit request headers fields");
            }

            ReadOnlySpan<byte> name = ReadField(block, ref pos, ref more, settings, fromTrailer, out ReadOnlySpan<byte> value, out string? folded);
            CheckSingletonsAndExpect(name, value, folded, head, fromTrailer, ref seen);
            string? valueString = folded;
            if (applyForwarding)
            {
                ApplySecureSchemeHeaders(name, value, ref valueString, settings, head, ref seen);
            }

            if (name.Contains((byte)'_') && DropsUnderscoreField(name, settings, applyForwarding))
            {
                continue;
            }

            valueString ??= value.IsEmpty ? "" : Encoding.Latin1.GetString(value);
            target.Add(new KeyValuePair<string, string>(KnownHeaderNames.Get(name), valueString));
        }
    }

    /// <summary>What one header block has shown so far, for the fields that may appear only once.</summary>
    private struct SeenFields
    {
        public bool Host;
        public bool ContentType;
        public bool Scheme;
    }

    /// <summary>
    /// Reads the next field line (and its obsolete-folded continuations): returns the validated name; the value is
    /// <paramref name="value"/>, or <paramref name="folded"/> when continuation lines were joined to it.
    /// </summary>
    private static ReadOnlySpan<byte> ReadField(
        ReadOnlySpan<byte> block, ref int pos, ref bool more, HttpParserSettings settings, bool fromTrailer, out ReadOnlySpan<byte> value, out string? folded)
    {
        int fieldLimit = settings.LimitRequestFieldSize;
        ReadOnlySpan<byte> line = NextLine(block, ref pos, ref more);
        int headerLength = line.Length + 2;
        int colon = line.IndexOf((byte)':');
        if (colon <= 0)
        {
            throw new HttpParseException(HttpParseError.InvalidHeader);
        }

        ReadOnlySpan<byte> name = line[..colon];
        if (settings.StripHeaderSpaces)
        {
            name = name.TrimEnd(" \t"u8);
        }

        if (!HttpChars.IsToken(name))
        {
            throw new HttpParseException(HttpParseError.InvalidHeaderName);
        }

        if (fromTrailer && IsForbiddenTrailer(name))
        {
            throw new HttpParseException(HttpParseError.InvalidHeaderName, "forbidden trailer");
        }

        value = HttpChars.TrimSpTab(line[(colon + 1)..]);
        folded = null;
        while (more && pos < block.Length && (block[pos] == (byte)' ' || block[pos] == (byte)'\t'))
        {
            if (!settings.PermitObsoleteFolding)
            {
                throw new HttpParseException(HttpParseError.ObsoleteFolding);
            }

            ReadOnlySpan<byte> continuation = NextLine(block, ref pos, ref more);
            headerLength += continuation.Length + 2;
            if (headerLength > fieldLimit)
            {
                throw new HttpParseException(HttpParseError.LimitRequestHeaders, "limit request headers fields size");
            }

            folded = (folded ?? Encoding.Latin1.GetString(value)) + " " + Encoding.Latin1.GetString(HttpChars.TrimSpTab(continuation));
        }

        if (folded is null ? HttpChars.ContainsInvalidFieldByte(value) : HttpChars.ContainsInvalidFieldChar(folded))
        {
            throw new HttpParseException(HttpParseError.InvalidHeader);
        }

        if (headerLength > fieldLimit)
        {
            throw new HttpParseException(HttpParseError.LimitRequestHeaders, "limit request headers fields size");
        }

        return name;
    }

    /// <summary>Singleton fields (RFC 9110 5.3): a repeat is ambiguous. Expect allows only 100-continue.</summary>
    private static void CheckSingletonsAndExpect(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, string? folded, RequestHead head, bool fromTrailer, ref SeenFields seen)
    {
        if (HttpChars.EqualsUpper(name, "HOST"u8))
        {
            if (seen.Host)
            {
                throw new HttpParseException(HttpParseError.InvalidHeader, "duplicate Host");
            }

            seen.Host = true;
        }
        else if (HttpChars.EqualsUpper(name, "CONTENT-TYPE"u8))
        {
            if (seen.ContentType)
            {
                throw new HttpParseException(HttpParseError.InvalidHeader, "duplicate Content-Type");
            }

            seen.ContentType = true;
        }
        else if (!fromTrailer && HttpChars.EqualsUpper(name, "EXPECT"u8))
        {
            bool isContinue = folded is null
                ? HttpChars.EqualsUpper(value, "100-CONTINUE"u8)
                : string.Equals(folded, "100-continue", StringComparison.OrdinalIgnoreCase);
            if (!isContinue)
            {
                throw new HttpParseException(HttpParseError.ExpectationFailed);
            }

            if (head.VersionMajor > 1 || (head.VersionMajor == 1 && head.VersionMinor >= 1))
            {
                head.ExpectContinue = true;
            }
        }
    }

    /// <summary><c>secure_scheme_headers</c> from a trusted peer set the scheme; two that disagree are an error.</summary>
    private static void ApplySecureSchemeHeaders(
        ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, ref string? valueString, HttpParserSettings settings, RequestHead head, ref SeenFields seen)
    {
        foreach (KeyValuePair<byte[], string> pair in settings.Forwarding.SecureSchemeHeaders)
        {
            if (!HttpChars.EqualsUpper(name, pair.Key))
            {
                continue;
            }

            valueString ??= Encoding.Latin1.GetString(value);
            string? scheme = seen.Scheme ? head.HeaderScheme : null;
            if (!ForwardingPolicy.MergeScheme(ref scheme, valueString, pair.Value))
            {
                throw new HttpParseException(HttpParseError.InvalidSchemeHeaders);
            }

            seen.Scheme = true;
            head.HeaderScheme = scheme;
        }
    }

    /// <summary><c>header_map</c> for a name with an underscore: true = drop it.</summary>
    private static bool DropsUnderscoreField(ReadOnlySpan<byte> name, HttpParserSettings settings, bool applyForwarding)
    {
        ForwardingPolicy policy = settings.Forwarding;
        return policy.ForUnderscoreField(applyForwarding && policy.IsForwarderHeader(name)) switch
        {
            UnderscoreField.Keep => false,
            UnderscoreField.Drop => true,
            _ => throw new HttpParseException(HttpParseError.InvalidHeaderName, "underscore in header name"),
        };
    }

    private static ReadOnlySpan<byte> NextLine(ReadOnlySpan<byte> block, ref int pos, ref bool more)
    {
        ReadOnlySpan<byte> remaining = block[pos..];
        int crlf = remaining.IndexOf("\r\n"u8);
        if (crlf < 0)
        {
            pos = block.Length;
            more = false;
            return remaining;
        }

        pos += crlf + 2;
        return remaining[..crlf];
    }

    private static bool IsForbiddenTrailer(ReadOnlySpan<byte> name) =>
        HttpChars.EqualsUpper(name, "HOST"u8) || HttpChars.EqualsUpper(name, "CONTENT-LENGTH"u8)
        || HttpChars.EqualsUpper(name, "TRANSFER-ENCODING"u8) || HttpChars.EqualsUpper(name, "TRAILER"u8)
        || HttpChars.EqualsUpper(name, "AUTHORIZATION"u8) || HttpChars.EqualsUpper(name, "TE"u8);

    /// <summary>gunicorn's set_body_reader and the first-Connection-header rule.</summary>
    private static void SetBodyFraming(RequestHead head)
    {
        bool chunked = false;
        string? contentLength = null;
        bool connectionSeen = false;
        foreach (KeyValuePair<string, string> header in head.Headers)
        {
            string name = header.Key;
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                if (contentLength is not null)
                {
                    throw new HttpParseException(HttpParseError.InvalidHeader, "duplicate Content-Length");
                }

                contentLength = header.Value;
            }
            else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                if (ApplyTransferEncoding(header.Value, ref chunked))
                {
                    head.MustClose = true;
                }
            }
            else if (!connectionSeen && name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            {
                connectionSeen = true;
                ReadOnlySpan<char> v = header.Value.AsSpan().Trim(" \t");
                if (v.Equals("close", StringComparison.OrdinalIgnoreCase))
                {
                    head.ConnectionClose = true;
                }
                else if (v.Equals("keep-alive", StringComparison.OrdinalIgnoreCase))
                {
                    head.ConnectionClose = false;
                }
            }
        }

        if (chunked)
        {
            if (head.VersionMajor < 1 || (head.VersionMajor == 1 && head.VersionMinor < 1))
            {
                throw new HttpParseException(HttpParseError.InvalidHeader, "chunked on HTTP/1.0");
            }

            if (contentLength is not null)
            {
                throw new HttpParseException(HttpParseError.InvalidHeader, "Content-Length with chunked");
            }

            head.Chunked = true;
            return;
        }

        if (contentLength is not null)
        {
            head.ContentLength = ParseContentLength(contentLength);
        }
    }

    /// <summary>
    /// gunicorn's Transfer-Encoding rules over one field value: chunked once and last, identity ignored; true = a
    /// compression was named, so the connection must close after the request.
    /// </summary>
    internal static bool ApplyTransferEncoding(string value, ref bool chunked)
    {
        bool mustClose = false;
        foreach (Range part in value.AsSpan().Split(','))
        {
            ReadOnlySpan<char> coding = TrimPythonWhitespace(value.AsSpan()[part]);
            if (coding.Equals("chunked", StringComparison.OrdinalIgnoreCase))
            {
                if (chunked)
                {
                    throw new HttpParseException(HttpParseError.InvalidHeader, "chunked twice");
                }

                chunked = true;
            }
            else if (coding.Equals("identity", StringComparison.OrdinalIgnoreCase))
            {
                if (chunked)
                {
                    throw new HttpParseException(HttpParseError.InvalidHeader, "identity after chunked");
                }
            }
            else if (coding.Equals("gzip", StringComparison.OrdinalIgnoreCase)
                || coding.Equals("deflate", StringComparison.OrdinalIgnoreCase)
                || coding.Equals("compress", StringComparison.OrdinalIgnoreCase))
            {
                if (chunked)
                {
                    throw new HttpParseException(HttpParseError.InvalidHeader, "coding after chunked");
                }

                mustClose = true;
            }
            else
            {
                throw new HttpParseException(HttpParseError.UnsupportedTransferCoding);
            }
        }

        return mustClose;
    }

    private static long ParseContentLength(string contentLength)
    {
        long length = 0;
        if (contentLength.Length == 0)
        {
            throw new HttpParseException(HttpParseError.InvalidHeader, "Content-Length");
        }

        foreach (char c in contentLength)
        {
            if (!char.IsAsciiDigit(c) || length > (long.MaxValue - 9) / 10)
            {
                throw new HttpParseException(HttpParseError.InvalidHeader, "Content-Length");
            }

            length = (length * 10) + (c - '0');
        }

        return length;
    }

    private static ReadOnlySpan<char> TrimPythonWhitespace(ReadOnlySpan<char> s)
    {
        int start = 0;
        int end = s.Length;
        while (start < end && IsPythonSpace(s[start]))
        {
            start++;
        }

        while (end > start && IsPythonSpace(s[end - 1]))
        {
            end--;
        }

        return s[start..end];
    }

    private static bool IsPythonSpace(char c) => c is ' ' or '\t' or '\n' or '\r' or '\v' or '\f' or (>= '\x1c' and <= '\x1f') or '\x85' or '\xa0';
}
