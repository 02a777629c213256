using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Unicornet.Http.Parsing;

namespace Unicornet.Http.Response;

/// <summary>
/// Formats what goes on the wire around a response body: the head (status line, the app's headers validated with
/// hop-by-hop fields dropped, Server, Date, framing), the last chunk with its trailers, and 103 Early Hints.
/// </summary>
internal static class ResponseHeadBuilder
{
    /// <summary>
    /// Writes the response head. <paramref name="keepAlive"/> turns false when the app sent <c>Connection: close</c>;
    /// an upgrade (101) keeps the app's hop-by-hop fields out and announces <paramref name="upgrade"/> instead.
    /// </summary>
    public static void WriteHead(
        ref HeadWriter writer, int status, string? reasonPhrase, bool http10, HeaderDictionary headers,
        bool upgrading, string? upgrade, ref bool keepAlive, bool chunked, long contentLength, bool suppressLength)
    {
        writer.Write(StatusLines.Get(status, http10, reasonPhrase));
        WriteAppHeaders(ref writer, headers, upgrading, ref keepAlive, out bool appServer, out bool appDate);
        if (!appServer)
        {
            writer.Write("Server: unicornet\r\n"u8);
        }

        if (!appDate)
        {
            writer.Write(DateHeader.Line);
        }

        if (upgrading)
        {
            writer.Write("Connection: Upgrade\r\n"u8);
            if (upgrade is not null)
            {
                writer.WriteHeader("Upgrade", upgrade);
            }
        }
        else if (!keepAlive)
        {
            writer.Write("Connection: close\r\n"u8);
        }
        else if (http10)
        {
            writer.Write("Connection: keep-alive\r\n"u8);
        }

        if (chunked)
        {
            writer.Write("Transfer-Encoding: chunked\r\n"u8);
        }
        else if (contentLength >= 0 && !suppressLength)
        {
            writer.Write("Content-Length: "u8);
            writer.WriteNumber(contentLength);
            writer.Write("\r\n"u8);
        }

        writer.Write("\r\n"u8);
    }

    private static void WriteAppHeaders(ref HeadWriter writer, HeaderDictionary headers, bool upgrading, ref bool keepAlive, out bool appServer, out bool appDate)
    {
        appServer = false;
        appDate = false;
        foreach (KeyValuePair<string, StringValues> header in headers)
        {
            string name = header.Key;
            if (!HttpChars.IsToken(name))
            {
                throw new InvalidOperationException("invalid response header name '" + name + "'");
            }

            if (IsHopByHop(name))
            {
                if (!upgrading && name.Equals("Connection", StringComparison.OrdinalIgnoreCase)
                    && header.Value.ToString().Contains("close", StringComparison.OrdinalIgnoreCase))
                {
                    keepAlive = false;
                }

                continue;
            }

            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            appServer |= name.Equals("Server", StringComparison.OrdinalIgnoreCase);
            appDate |= name.Equals("Date", StringComparison.OrdinalIgnoreCase);
            foreach (string? value in header.Value)
            {
                writer.WriteHeader(name, value ?? "");
            }
        }
    }

    /// <summary>The last chunk followed by the app's trailer fields (framing and hop-by-hop fields are never sent as trailers).</summary>
    public static void WriteLastChunk(ref HeadWriter writer, IHeaderDictionary trailers)
    {
        writer.Write("0\r\n"u8);
        foreach (KeyValuePair<string, StringValues> trailer in trailers)
        {
            string name = trailer.Key;
            if (!HttpChars.IsToken(name) || IsHopByHop(name) || IsForbiddenTrailer(name))
            {
                continue;
            }

            foreach (string? value in trailer.Value)
            {
                writer.WriteHeader(name, value ?? "");
            }
        }

        writer.Write("\r\n"u8);
    }

    /// <summary>A complete <c>103 Early Hints</c> interim response.</summary>
    public static byte[] EarlyHints(IEnumerable<KeyValuePair<string, string>> headers)
    {
        var writer = new HeadWriter(256);
        try
        {
            writer.Write("HTTP/1.1 103 Early Hints\r\n"u8);
            foreach (KeyValuePair<string, string> header in headers)
            {
                if (!HttpChars.IsToken(header.Key))
                {
                    throw new InvalidOperationException("invalid early hint header name '" + header.Key + "'");
                }

                writer.WriteHeader(header.Key, header.Value);
            }

            writer.Write("\r\n"u8);
            return writer.Written.ToArray();
        }
        finally
        {
            writer.Dispose();
        }
    }

    private static bool IsHopByHop(string name) =>
        name.Equals("Connection", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Keep-Alive", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Proxy-Authenticate", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Proxy-Authorization", StringComparison.OrdinalIgnoreCase)
        || name.Equals("TE", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Trailers", StringComparison.OrdinalIgnoreCase);

    private static bool IsForbiddenTrailer(string name) =>
        name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Content-Encoding", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Host", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Trailer", StringComparison.OrdinalIgnoreCase);
}
