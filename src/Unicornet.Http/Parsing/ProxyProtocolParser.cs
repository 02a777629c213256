using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

using Unicornet.Http.Serving;

namespace Unicornet.Http.Parsing;

/// <summary>What a PROXY protocol header said about the original connection.</summary>
/// <param name="Protocol">TCP4, TCP6, LOCAL or UNSPEC.</param>
/// <param name="ClientAddress">The original client, when given.</param>
/// <param name="ClientPort">The original client port.</param>
/// <param name="ProxyAddress">The address the proxy accepted on.</param>
/// <param name="ProxyPort">The port the proxy accepted on.</param>
internal sealed record ProxyInfo(string Protocol, IPAddress? ClientAddress, int ClientPort, IPAddress? ProxyAddress, int ProxyPort);

/// <summary>PROXY protocol v1 (text) and v2 (binary) in front of a connection's first request.</summary>
internal static class ProxyProtocolParser
{
    private const int MaxV1Line = 107;

    private static ReadOnlySpan<byte> V2Signature => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    /// <summary>
    /// Returns false when more bytes are needed. On true, <paramref name="consumed"/> bytes belong to the PROXY
    /// header (0 and a null <paramref name="info"/> when the connection does not start with one).
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> data, bool eof, ProxyProtocolMode mode, bool peerAllowed, out int consumed, out ProxyInfo? info)
    {
        consumed = 0;
        info = null;
        if (data.Length < 12)
        {
            // gunicorn waits for 12 bytes before deciding; a shorter prefix that cannot become a PROXY header is a request.
            bool couldBeV2 = V2Signature.StartsWith(data);
            bool couldBeV1 = "PROXY "u8.StartsWith(data[..Math.Min(data.Length, 6)]);
            if (!couldBeV1 && !couldBeV2)
            {
                return true;
            }

            if (eof)
            {
                throw new HttpParseException(HttpParseError.NoMoreData);
            }

            return false;
        }

        if ((mode == ProxyProtocolMode.V2 || mode == ProxyProtocolMode.Auto) && data.StartsWith(V2Signature))
        {
            if (!peerAllowed)
            {
                throw new HttpParseException(HttpParseError.ForbiddenProxyRequest);
            }

            return TryParseV2(data, eof, out consumed, out info);
        }

        if ((mode == ProxyProtocolMode.V1 || mode == ProxyProtocolMode.Auto) && data.StartsWith("PROXY "u8))
        {
            if (!peerAllowed)
            {
                throw new HttpParseException(HttpParseError.ForbiddenProxyRequest);
            }

            return TryParseV1(data, eof, out consumed, out info);
        }

        return true;
    }

    private static bool TryParseV1(ReadOnlySpan<byte> data, bool eof, out int consumed, out ProxyInfo? info)
    {
        consumed = 0;
        info = null;
        int crlf = data.IndexOf("\r\n"u8);
        if (crlf < 0)
        {
            if (data.Length > MaxV1Line)
            {
                throw new HttpParseException(HttpParseError.InvalidProxyLine, "too long");
            }

            if (eof)
            {
                throw new HttpParseException(HttpParseError.NoMoreData);
            }

            return false;
        }

        string line = Encoding.Latin1.GetString(data[..crlf]);
        string[] bits = line.Split(' ');
        if (bits.Length != 6)
        {
            throw new HttpParseException(HttpParseError.InvalidProxyLine, line);
        }

        string proto = bits[1];
        AddressFamily family = proto switch
        {
            "TCP4" => AddressFamily.InterNetwork,
            "TCP6" => AddressFamily.InterNetworkV6,
            _ => throw new HttpParseException(HttpParseError.InvalidProxyLine, "protocol not supported"),
        };

        IPAddress source = ParseAddress(bits[2], family, line);
        IPAddress destination = ParseAddress(bits[3], family, line);
        int sourcePort = ParsePort(bits[4], line);
        int destinationPort = ParsePort(bits[5], line);
        consumed = crlf + 2;
        info = new ProxyInfo(proto, source, sourcePort, destination, destinationPort);
        return true;
    }

    private static IPAddress ParseAddress(string text, AddressFamily family, string line)
    {
        bool shapeOk = family == AddressFamily.InterNetwork
            ? IsDottedQuad(text)
            : text.Contains(':', StringComparison.Ordinal) && !text.Contains('%', StringComparison.Ordinal);
        if (!shapeOk || !IPAddress.TryParse(text, out IPAddress? address) || address.AddressFamily != family)
        {
            throw new HttpParseException(HttpParseError.InvalidProxyLine, line);
        }

        return address;
    }

    private static bool IsDottedQuad(string text)
    {
        int dots = 0;
        int digits = 0;
        foreach (char c in text)
        {
            if (c == '.')
            {
                if (digits == 0)
                {
                    return false;
                }

                dots++;
                digits = 0;
            }
            else if (char.IsAsciiDigit(c))
            {
                if (++digits > 3)
                {
                    return false;
                }
            }
            else
            {
                return false;
            }
        }

        return dots == 3 && digits > 0;
    }

    private static int ParsePort(string text, string line)
    {
        if (text.Length is 0 or > 5)
        {
            throw new HttpParseException(HttpParseError.InvalidProxyLine, "invalid port " + line);
        }

        int port = 0;
        foreach (char c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                throw new HttpParseException(HttpParseError.InvalidProxyLine, "invalid port " + line);
            }

            port = (port * 10) + (c - '0');
        }

        if (port > 65535)
        {
            throw new HttpParseException(HttpParseError.InvalidProxyLine, "invalid port " + line);
        }

        return port;
    }

    private static bool TryParseV2(ReadOnlySpan<byte> data, bool eof, out int consumed, out ProxyInfo? info)
    {
        consumed = 0;
        info = null;
        if (data.Length < 16)
        {
            return NeedMore(eof);
        }

        int versionCommand = data[12];
        int familyProtocol = data[13];
        int length = BinaryPrimitives.ReadUInt16BigEndian(data[14..]);
        if (versionCommand >> 4 != 2)
        {
            throw new HttpParseException(HttpParseError.InvalidProxyHeader, "unsupported version");
        }

        int command = versionCommand & 0x0F;
        if (command > 1)
        {
            throw new HttpParseException(HttpParseError.InvalidProxyHeader, "unsupported command");
        }

        int total = 16 + length;
        if (data.Length < total)
        {
            return NeedMore(eof);
        }

        consumed = total;
        if (command == 0)
        {
            info = new ProxyInfo("LOCAL", null, 0, null, 0);
            return true;
        }

        int family = familyProtocol >> 4;
        int protocol = familyProtocol & 0x0F;
        if (protocol != 1)
        {
            throw new HttpParseException(HttpParseError.InvalidProxyHeader, "only TCP protocol is supported");
        }

        ReadOnlySpan<byte> addresses = data.Slice(16, length);
        switch (family)
        {
            case 1:
                if (length < 12)
                {
                    throw new HttpParseException(HttpParseError.InvalidProxyHeader, "insufficient address data for IPv4");
                }

                info = new ProxyInfo(
                    "TCP4",
                    new IPAddress(addresses[..4]),
                    BinaryPrimitives.ReadUInt16BigEndian(addresses[8..]),
                    new IPAddress(addresses[4..8]),
                    BinaryPrimitives.ReadUInt16BigEndian(addresses[10..]));
                return true;
            case 2:
                if (length < 36)
                {
                    throw new HttpParseException(HttpParseError.InvalidProxyHeader, "insufficient address data for IPv6");
                }

                info = new ProxyInfo(
                    "TCP6",
                    new IPAddress(addresses[..16]),
                    BinaryPrimitives.ReadUInt16BigEndian(addresses[32..]),
                    new IPAddress(addresses[16..32]),
                    BinaryPrimitives.ReadUInt16BigEndian(addresses[34..]));
                return true;
            case 0:
                info = new ProxyInfo("UNSPEC", null, 0, null, 0);
                return true;
            default:
                throw new HttpParseException(HttpParseError.InvalidProxyHeader, "unsupported address family");
        }
    }

    private static bool NeedMore(bool eof) => eof ? throw new HttpParseException(HttpParseError.NoMoreData) : false;
}
