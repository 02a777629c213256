using Unicornet.Http.Parsing;

namespace Unicornet.Hosting.Kestrel.HeadGuard;

/// <summary>How a complete head frames what follows it, or why the guard stops following the connection.</summary>
internal enum HeadFraming
{
    /// <summary>No body: the next head follows at once.</summary>
    None,

    /// <summary>A body of <see cref="HeadVerdict.ContentLength"/> bytes.</summary>
    ContentLength,

    /// <summary>A chunked body.</summary>
    Chunked,

    /// <summary>What follows is not HTTP/1 framing the guard follows (Upgrade, CONNECT, h2 preface, a head Kestrel refuses).</summary>
    PassThrough,

    /// <summary>The head breaks an engine rule Kestrel does not enforce: Kestrel must answer it with a 400.</summary>
    Refuse,
}

/// <summary>The judgement of one head.</summary>
internal readonly record struct HeadVerdict(HeadFraming Framing, long ContentLength, string? Reason, HttpParseError Error = HttpParseError.InvalidHeader);

/// <summary>
/// Judges a complete HTTP/1 head (request line, fields, the empty line) on the raw bytes, before Kestrel parses and
/// normalises it: the engine's Content-Length and Transfer-Encoding rules, which Kestrel's normalisation hides from any
/// middleware (a sign accepted, Content-Length dropped beside chunked), and the request-target and version rules
/// Kestrel answers with other statuses. It only refuses what the engine refuses; what it does not understand it
/// leaves to Kestrel (pass-through). Only field names starting with c, t or u are compared.
/// </summary>
internal static class HeadJudge
{
    public static HeadVerdict Judge(ReadOnlySpan<byte> head, HeadRules rules)
    {
        int lineEnd = head.IndexOf("\r\n"u8);
        if (lineEnd <= 0)
        {
            // An empty line before the request line: Kestrel's business.
            return new HeadVerdict(HeadFraming.PassThrough, 0, null);
        }

        ReadOnlySpan<byte> line = head[..lineEnd];
        int sp1 = line.IndexOf((byte)' ');
        int sp2 = sp1 < 0 ? -1 : line[(sp1 + 1)..].IndexOf((byte)' ');
        if (sp1 <= 0 || sp2 <= 0)
        {
            return new HeadVerdict(HeadFraming.PassThrough, 0, null);
        }

        ReadOnlySpan<byte> method = line[..sp1];
        ReadOnlySpan<byte> target = line.Slice(sp1 + 1, sp2);
        ReadOnlySpan<byte> version = line[(sp1 + sp2 + 2)..];
        if (method.SequenceEqual("PRI"u8))
        {
            // The HTTP/2 preface: Kestrel answers it on an HTTP/1 endpoint.
            return new HeadVerdict(HeadFraming.PassThrough, 0, null);
        }

        bool connect = MethodIs(method, "CONNECT"u8, rules.CasefoldMethod);
        if (TargetReason(method, target, connect, rules) is { } targetReason)
        {
            return new HeadVerdict(HeadFraming.Refuse, 0, targetReason, HttpParseError.InvalidRequestLine);
        }

        if (!rules.PermitUnconventionalVersion && version.Length == 8 && version.StartsWith("HTTP/"u8) && version[6] == (byte)'.'
            && char.IsAsciiDigit((char)version[5]) && char.IsAsciiDigit((char)version[7]) && version[5] != (byte)'1')
        {
            return new HeadVerdict(HeadFraming.Refuse, 0, "HTTP version other than 1.x", HttpParseError.InvalidHTTPVersion);
        }

        return JudgeFields(head[(lineEnd + 2)..], connect);
    }

    private static string? TargetReason(ReadOnlySpan<byte> method, ReadOnlySpan<byte> target, bool connect, HeadRules rules)
    {
        bool asterisk = target.Length == 1 && target[0] == (byte)'*';
        if (asterisk && !MethodIs(method, "OPTIONS"u8, rules.CasefoldMethod))
        {
            return "* target without OPTIONS";
        }

        if (!connect && !asterisk && target[0] != (byte)'/' && target.IndexOf("://"u8) < 0)
        {
            return "authority-form target without CONNECT";
        }

        return null;
    }

    private static HeadVerdict JudgeFields(ReadOnlySpan<byte> fields, bool connect)
    {
        int contentLengths = 0;
        long contentLength = 0;
        bool badLength = false;
        bool transferEncoding = false;
        bool chunkedLast = false;
        bool upgrade = connect;
        while (true)
        {
            int end = fields.IndexOf("\r\n"u8);
            if (end <= 0)
            {
                // end == 0 is the empty line that ends the head.
                break;
            }

            ReadOnlySpan<byte> field = fields[..end];
            fields = fields[(end + 2)..];
            byte first = (byte)(field[0] | 0x20);
            if (first is not ((byte)'c' or (byte)'t' or (byte)'u'))
            {
                continue;
            }

            int colon = field.IndexOf((byte)':');
            if (colon <= 0)
            {
                continue;
            }

            ReadOnlySpan<byte> name = field[..colon];
            ReadOnlySpan<byte> value = HttpChars.TrimSpTab(field[(colon + 1)..]);
            if (HttpChars.EqualsUpper(name, "CONTENT-LENGTH"u8))
            {
                contentLengths++;
                badLength |= !TryParseLength(value, out contentLength);
            }
            else if (HttpChars.EqualsUpper(name, "TRANSFER-ENCODING"u8))
            {
                transferEncoding = true;
                chunkedLast = FinalCodingIsChunked(value);
            }
            else if (HttpChars.EqualsUpper(name, "CONNECTION"u8))
            {
                upgrade |= ContainsUpgrade(value);
            }
            else if (HttpChars.EqualsUpper(name, "UPGRADE"u8))
            {
                upgrade = true;
            }
        }

        if (contentLengths > 1)
        {
            return new HeadVerdict(HeadFraming.Refuse, 0, "more than one Content-Length");
        }

        if (contentLengths == 1 && transferEncoding)
        {
            return new HeadVerdict(HeadFraming.Refuse, 0, "Content-Length with Transfer-Encoding");
        }

        if (badLength)
        {
            return new HeadVerdict(HeadFraming.Refuse, 0, "Content-Length is not a number");
        }

        if (upgrade || (transferEncoding && !chunkedLast))
        {
            // An upgraded connection carries another protocol; a final coding other than chunked Kestrel refuses itself.
            return new HeadVerdict(HeadFraming.PassThrough, 0, null);
        }

        return transferEncoding ? new HeadVerdict(HeadFraming.Chunked, 0, null)
            : contentLengths == 1 && contentLength > 0 ? new HeadVerdict(HeadFraming.ContentLength, contentLength, null)
            : new HeadVerdict(HeadFraming.None, 0, null);
    }

    /// <summary>1*DIGIT (RFC 9110 §8.6), as the engine's parser reads it.</summary>
    private static bool TryParseLength(ReadOnlySpan<byte> value, out long length)
    {
        length = 0;
        if (value.IsEmpty)
        {
            return false;
        }

        foreach (byte b in value)
        {
            if (b is < (byte)'0' or > (byte)'9' || length > (long.MaxValue - 9) / 10)
            {
                return false;
            }

            length = (length * 10) + (b - '0');
        }

        return true;
    }

    /// <summary>Kestrel frames a request by the last coding of its last Transfer-Encoding field.</summary>
    private static bool FinalCodingIsChunked(ReadOnlySpan<byte> value)
    {
        int comma = value.LastIndexOf((byte)',');
        ReadOnlySpan<byte> last = HttpChars.TrimSpTab(comma < 0 ? value : value[(comma + 1)..]);
        return HttpChars.EqualsUpper(last, "CHUNKED"u8);
    }

    /// <summary>Any mention of upgrade in Connection: Kestrel may hand the connection to another protocol.</summary>
    private static bool ContainsUpgrade(ReadOnlySpan<byte> value)
    {
        int at;
        while ((at = value.IndexOfAny((byte)'u', (byte)'U')) >= 0)
        {
            value = value[at..];
            if (value.Length >= 7 && HttpChars.EqualsUpper(value[..7], "UPGRADE"u8))
            {
                return true;
            }

            value = value[1..];
        }

        return false;
    }

    private static bool MethodIs(ReadOnlySpan<byte> method, ReadOnlySpan<byte> upper, bool casefold) =>
        casefold ? HttpChars.EqualsUpper(method, upper) : method.SequenceEqual(upper);
}
