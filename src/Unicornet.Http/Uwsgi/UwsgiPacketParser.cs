using Unicornet.Http.Parsing;

namespace Unicornet.Http.Uwsgi;

/// <summary>
/// Reads one uWSGI request packet (the 4-byte header, then the vars block) from the start of a connection's input
/// and hands its vars to <see cref="UwsgiRequestMapper"/>, which fills the engine's <see cref="RequestHead"/>.
/// One per connection: it owns the var table (offsets into the block, reused for every packet) and the limits.
/// Like <see cref="HttpRequestParser"/> it is re-run on the grown buffer until the packet is complete, so the
/// result never depends on how the bytes were chunked; everything that can be judged early (the modifier, the
/// block size) is judged on the first bytes, and a packet cut short by the peer is a 400, never a wait.
/// </summary>
internal sealed class UwsgiPacketParser
{
    /// <summary>modifier1, the vars block size (16-bit little-endian), modifier2.</summary>
    public const int HeaderSize = 4;

    /// <summary>
    /// Vars a front end adds beside the request's own headers (nginx's stock uwsgi_params has 15: method, URI,
    /// addresses, ...). They count against this allowance; the HTTP_* vars count against limit_request_fields,
    /// as the same headers would over HTTP.
    /// </summary>
    public const int CgiVarAllowance = 64;

    private readonly HttpParserSettings _settings;
    private readonly int _maxBlock;
    private readonly UwsgiRequestMapper _mapper;

    // Pairs of (offset, length) into the block: name at [2i], value at [2i + 1].
    private Range[] _vars = new Range[64];

    public UwsgiPacketParser(HttpParserSettings settings)
    {
        _settings = settings;
        int perVar = settings.LimitRequestFieldSize + 4;
        _maxBlock = (int)Math.Min(ushort.MaxValue, (long)(settings.LimitRequestFields + CgiVarAllowance) * perVar);
        _mapper = new UwsgiRequestMapper(settings);
    }

    /// <summary>What the last packet said beyond the request head (addresses, SCRIPT_NAME); reused per request.</summary>
    public UwsgiRequestInfo Info { get; } = new();

    /// <summary>
    /// Parses the packet at the start of <paramref name="data"/> into <paramref name="head"/>. False = more bytes are
    /// needed; throws <see cref="HttpParseException"/> (400, 431 or 501) for a packet that cannot be served.
    /// </summary>
    public bool TryParse(ReadOnlySpan<byte> data, bool eof, RequestHead head, out int consumed)
    {
        consumed = 0;
        if (data.Length > 0 && data[0] != 0)
        {
            throw new HttpParseException(HttpParseError.UnsupportedUwsgiModifier, "modifier1 " + data[0].ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (data.Length < HeaderSize)
        {
            return eof ? throw Invalid("truncated packet header") : false;
        }

        int size = data[1] | (data[2] << 8);
        if (size > _maxBlock)
        {
            throw new HttpParseException(HttpParseError.LimitRequestHeaders, "uWSGI vars block of " + size.ToString(System.Globalization.CultureInfo.InvariantCulture) + " bytes");
        }

        if (data.Length < HeaderSize + size)
        {
            return eof ? throw Invalid("truncated vars block") : false;
        }

        ReadOnlySpan<byte> block = data.Slice(HeaderSize, size);
        int count = ScanVars(block);
        _mapper.Map(block, _vars.AsSpan(0, count * 2), head, Info);
        consumed = HeaderSize + size;
        return true;
    }

    /// <summary>Splits the block into its (name, value) pairs, checking every length against the block and the limits.</summary>
    private int ScanVars(ReadOnlySpan<byte> block)
    {
        int pos = 0;
        int count = 0;
        int headers = 0;
        int fieldLimit = _settings.LimitRequestFieldSize;
        while (pos < block.Length)
        {
            Range name = ReadString(block, ref pos, "var name");
            Range value = ReadString(block, ref pos, "var value");
            ReadOnlySpan<byte> nameBytes = block[name];
            if (!HttpChars.IsToken(nameBytes))
            {
                throw Invalid("var name is not a token");
            }

            int headerName = UwsgiRequestMapper.HeaderNameLength(nameBytes);
            if (headerName >= 0 && ++headers > _settings.LimitRequestFields)
            {
                throw new HttpParseException(HttpParseError.LimitRequestHeaders, "limit request headers fields");
            }

            if (count - headers >= CgiVarAllowance)
            {
                throw new HttpParseException(HttpParseError.LimitRequestHeaders, "too many uWSGI vars");
            }

            // Measured as the header line it stands for ("Name: value"), so a header is refused over uWSGI exactly
            // when it would be over HTTP.
            int lineLength = (headerName >= 0 ? headerName : nameBytes.Length) + 2 + (value.End.Value - value.Start.Value);
            if (lineLength > fieldLimit)
            {
                throw new HttpParseException(HttpParseError.LimitRequestHeaders, "limit request headers fields size");
            }

            if ((count + 1) * 2 > _vars.Length)
            {
                Array.Resize(ref _vars, _vars.Length * 2);
            }

            _vars[count * 2] = name;
            _vars[(count * 2) + 1] = value;
            count++;
        }

        return count;
    }

    private static Range ReadString(ReadOnlySpan<byte> block, ref int pos, string what)
    {
        if (block.Length - pos < 2)
        {
            throw Invalid(what + " length cut off by the end of the block");
        }

        int length = block[pos] | (block[pos + 1] << 8);
        pos += 2;
        if (length > block.Length - pos)
        {
            throw Invalid(what + " longer than the block");
        }

        var range = new Range(pos, pos + length);
        pos += length;
        return range;
    }

    internal static HttpParseException Invalid(string detail) => new(HttpParseError.InvalidUwsgiHeader, detail);
}
