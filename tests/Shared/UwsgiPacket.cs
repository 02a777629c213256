using System.Text;

namespace Unicornet.Tests.Shared;

/// <summary>Builds uWSGI request packets byte by byte, as nginx's uwsgi module writes them (and broken ones).</summary>
internal static class UwsgiPacket
{
    /// <summary>The header (modifier1, little-endian vars size, modifier2) and the vars, then <paramref name="body"/>.</summary>
    public static byte[] Build(IEnumerable<KeyValuePair<string, string>> vars, byte[]? body = null, byte modifier1 = 0)
    {
        byte[] block = Vars(vars);
        var packet = new List<byte>(4 + block.Length + (body?.Length ?? 0))
        {
            modifier1, (byte)(block.Length & 0xFF), (byte)(block.Length >> 8), 0,
        };
        packet.AddRange(block);
        packet.AddRange(body ?? []);
        return packet.ToArray();
    }

    /// <summary>A plain request: method, REQUEST_URI, the usual CGI vars nginx sends, and the given headers.</summary>
    public static byte[] Request(string method, string uri, params (string Name, string Value)[] headers)
    {
        int q = uri.IndexOf('?', StringComparison.Ordinal);
        var vars = new List<KeyValuePair<string, string>>
        {
            new("REQUEST_METHOD", method),
            new("REQUEST_URI", uri),
            new("PATH_INFO", q < 0 ? uri : uri[..q]),
            new("QUERY_STRING", q < 0 ? "" : uri[(q + 1)..]),
            new("SERVER_PROTOCOL", "HTTP/1.1"),
            new("REMOTE_ADDR", "10.9.8.7"),
            new("REMOTE_PORT", "40000"),
            new("SERVER_PORT", "80"),
        };
        foreach ((string name, string value) in headers)
        {
            vars.Add(new(name, value));
        }

        return Build(vars);
    }

    /// <summary>The vars block alone: (16-bit LE length, bytes) for each name and value.</summary>
    public static byte[] Vars(IEnumerable<KeyValuePair<string, string>> vars)
    {
        var block = new List<byte>();
        foreach (KeyValuePair<string, string> pair in vars)
        {
            String(block, Encoding.UTF8.GetBytes(pair.Key));
            String(block, Encoding.UTF8.GetBytes(pair.Value));
        }

        return block.ToArray();
    }

    private static void String(List<byte> block, byte[] bytes)
    {
        block.Add((byte)(bytes.Length & 0xFF));
        block.Add((byte)(bytes.Length >> 8));
        block.AddRange(bytes);
    }
}
