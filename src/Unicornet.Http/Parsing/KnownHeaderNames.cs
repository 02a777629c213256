using System.Text;

namespace Unicornet.Http.Parsing;

/// <summary>Interned names for common request headers, so parsing them allocates nothing.</summary>
internal static class KnownHeaderNames
{
    private static readonly string[] s_names =
    [
        "Host", "User-Agent", "Accept", "Accept-Encoding", "Accept-Language", "Connection", "Content-Length",
        "Content-Type", "Cookie", "Referer", "Authorization", "Cache-Control", "Transfer-Encoding", "Expect",
        "Origin", "Pragma", "Upgrade", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host",
        "X-Real-IP", "If-None-Match", "If-Modified-Since", "Keep-Alive", "TE", "Trailer", "Forwarded",
        "Sec-Fetch-Mode", "Sec-Fetch-Site", "Sec-Fetch-Dest", "Upgrade-Insecure-Requests", "DNT", "Priority",
    ];

    private static readonly byte[][] s_upper = BuildUpper();

    public static string Get(ReadOnlySpan<byte> name)
    {
        for (int i = 0; i < s_upper.Length; i++)
        {
            if (HttpChars.EqualsUpper(name, s_upper[i]))
            {
                // Header names are case-insensitive: the canonical spelling serves every casing.
                return s_names[i];
            }
        }

        return Encoding.Latin1.GetString(name);
    }

    private static byte[][] BuildUpper()
    {
        byte[][] upper = new byte[s_names.Length][];
        for (int i = 0; i < s_names.Length; i++)
        {
            upper[i] = Encoding.ASCII.GetBytes(s_names[i].ToUpperInvariant());
        }

        return upper;
    }
}
