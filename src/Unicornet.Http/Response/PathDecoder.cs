using System.Buffers;
using System.Text;

namespace Unicornet.Http.Response;

/// <summary>Request path → ASP.NET Core's decoded <c>Path</c> (UTF-8 percent-decoding, <c>%2F</c> kept, as Kestrel).</summary>
internal static class PathDecoder
{
    private static readonly UTF8Encoding s_strictUtf8 = new(false, true);

    public static string Decode(string raw)
    {
        bool simple = true;
        foreach (char c in raw)
        {
            if (c == '%' || c > 0x7F)
            {
                simple = false;
                break;
            }
        }

        if (simple)
        {
            return raw;
        }

        byte[] rented = ArrayPool<byte>.Shared.Rent(raw.Length);
        try
        {
            int n = 0;
            for (int i = 0; i < raw.Length; i++)
            {
                char c = raw[i];
                if (c == '%' && i + 2 < raw.Length && IsHex(raw[i + 1]) && IsHex(raw[i + 2]))
                {
                    int value = (HexValue(raw[i + 1]) << 4) | HexValue(raw[i + 2]);
                    if (value == '/')
                    {
                        rented[n++] = (byte)c;
                        continue;
                    }

                    rented[n++] = (byte)value;
                    i += 2;
                }
                else
                {
                    rented[n++] = (byte)c;
                }
            }

            try
            {
                return s_strictUtf8.GetString(rented, 0, n);
            }
            catch (DecoderFallbackException)
            {
                return raw;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
