using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace Unicornet.Http.Response;

/// <summary>Pre-encoded <c>HTTP/1.x NNN Reason\r\n</c> lines.</summary>
internal static class StatusLines
{
    private static readonly byte[]?[] s_http11 = new byte[1000][];
    private static readonly byte[]?[] s_http10 = new byte[1000][];

    public static byte[] Get(int status, bool http10, string? reason)
    {
        if (!string.IsNullOrEmpty(reason) || status < 100 || status > 999)
        {
            return Build(status, http10, reason);
        }

        byte[]?[] table = http10 ? s_http10 : s_http11;
        return table[status] ??= Build(status, http10, null);
    }

    private static byte[] Build(int status, bool http10, string? reason)
    {
        string phrase = string.IsNullOrEmpty(reason) ? ReasonPhrases.GetReasonPhrase(status) : reason;
        if (phrase.Length == 0)
        {
            phrase = "Unknown";
        }

        foreach (char c in phrase)
        {
            if (c < 0x20 && c != '\t' || c >= 0x7F)
            {
                throw new InvalidOperationException("invalid character in reason phrase");
            }
        }

        return Encoding.Latin1.GetBytes((http10 ? "HTTP/1.0 " : "HTTP/1.1 ") + status.ToString(System.Globalization.CultureInfo.InvariantCulture) + " " + phrase + "\r\n");
    }
}
