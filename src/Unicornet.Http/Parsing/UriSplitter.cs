namespace Unicornet.Http.Parsing;

/// <summary>
/// Splits a request target into path, query and fragment with the results of Python's urlsplit (as gunicorn
/// does), including its one failure mode for request targets: unbalanced or invalid IPv6 brackets in an authority.
/// </summary>
internal static class UriSplitter
{
    /// <summary>Returns false where urlsplit raises ValueError.</summary>
    public static bool TrySplit(ReadOnlySpan<byte> uri, out Range path, out Range query, out Range fragment, out bool hasAuthority)
    {
        hasAuthority = false;
        int pos = 0;
        int end = uri.Length;
        if (!(uri.Length >= 2 && uri[0] == (byte)'/' && uri[1] == (byte)'/'))
        {
            int colon = uri.IndexOf((byte)':');
            if (colon > 0 && IsAsciiLetter(uri[0]) && IsScheme(uri[..colon]))
            {
                pos = colon + 1;
                if (end - pos >= 2 && uri[pos] == (byte)'/' && uri[pos + 1] == (byte)'/')
                {
                    int start = pos + 2;
                    int delim = uri[start..].IndexOfAny("/?#"u8);
                    int netEnd = delim < 0 ? end : start + delim;
                    ReadOnlySpan<byte> netloc = uri[start..netEnd];
                    bool open = netloc.Contains((byte)'[');
                    bool close = netloc.Contains((byte)']');
                    if (open != close)
                    {
                        path = query = fragment = default;
                        return false;
                    }

                    if (open && !IsValidBracketedHost(netloc))
                    {
                        path = query = fragment = default;
                        return false;
                    }

                    hasAuthority = true;
                    pos = netEnd;
                }
            }
        }

        int hash = uri[pos..].IndexOf((byte)'#');
        int pathQueryEnd = end;
        fragment = new Range(end, end);
        if (hash >= 0)
        {
            pathQueryEnd = pos + hash;
            fragment = new Range(pathQueryEnd + 1, end);
        }

        int question = uri[pos..pathQueryEnd].IndexOf((byte)'?');
        if (question >= 0)
        {
            path = new Range(pos, pos + question);
            query = new Range(pos + question + 1, pathQueryEnd);
        }
        else
        {
            path = new Range(pos, pathQueryEnd);
            query = new Range(pathQueryEnd, pathQueryEnd);
        }

        return true;
    }

    private static bool IsValidBracketedHost(ReadOnlySpan<byte> netloc)
    {
        int open = netloc.IndexOf((byte)'[');
        int close = netloc[open..].IndexOf((byte)']');
        if (close < 0)
        {
            return true;
        }

        ReadOnlySpan<byte> host = netloc.Slice(open + 1, close - 1);
        if (host.Length > 0 && (host[0] == (byte)'v' || host[0] == (byte)'V'))
        {
            return host.Length > 1;
        }

        Span<char> chars = stackalloc char[Math.Min(host.Length, 64)];
        if (host.Length > 64)
        {
            return false;
        }

        for (int i = 0; i < host.Length; i++)
        {
            chars[i] = (char)host[i];
        }

        return System.Net.IPAddress.TryParse(chars, out System.Net.IPAddress? address)
            && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
    }

    private static bool IsAsciiLetter(byte b) => (uint)((b | 0x20) - 'a') <= 'z' - 'a';

    private static bool IsScheme(ReadOnlySpan<byte> span)
    {
        foreach (byte b in span)
        {
            if (!(IsAsciiLetter(b) || (b >= '0' && b <= '9') || b == '+' || b == '-' || b == '.'))
            {
                return false;
            }
        }

        return true;
    }
}
