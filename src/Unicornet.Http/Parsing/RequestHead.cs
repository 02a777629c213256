namespace Unicornet.Http.Parsing;

/// <summary>One parsed request head (reused per connection).</summary>
internal sealed class RequestHead
{
    public string Method { get; set; } = "";

    /// <summary>The request target exactly as sent (latin-1).</summary>
    public string RawTarget { get; set; } = "";

    public string Path { get; set; } = "";

    public string Query { get; set; } = "";

    public string Fragment { get; set; } = "";

    public int VersionMajor { get; set; }

    public int VersionMinor { get; set; }

    /// <summary>Kept headers in arrival order (names as sent, values trimmed).</summary>
    public List<KeyValuePair<string, string>> Headers { get; } = new(16);

    public List<KeyValuePair<string, string>> Trailers { get; } = new();

    /// <summary>-1 when absent.</summary>
    public long ContentLength { get; set; } = -1;

    public bool Chunked { get; set; }

    /// <summary>A transfer coding forced the connection to close.</summary>
    public bool MustClose { get; set; }

    public bool ExpectContinue { get; set; }

    /// <summary>http/https after secure_scheme_headers; null = not set by a header.</summary>
    public string? HeaderScheme { get; set; }

    /// <summary>The first Connection header said close (true), keep-alive (false), or nothing decisive (null).</summary>
    public bool? ConnectionClose { get; set; }

    /// <summary>Set when the head came from a uWSGI packet: what the packet said beyond the head.</summary>
    public Uwsgi.UwsgiRequestInfo? Uwsgi { get; set; }

    public bool HasBody => Chunked || ContentLength > 0;

    public string Protocol => VersionMajor == 1 && VersionMinor == 1 ? "HTTP/1.1"
        : VersionMajor == 1 && VersionMinor == 0 ? "HTTP/1.0"
        : "HTTP/" + VersionMajor.ToString(System.Globalization.CultureInfo.InvariantCulture) + "." + VersionMinor.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>gunicorn's should_close.</summary>
    public bool ShouldClose
    {
        get
        {
            if (MustClose)
            {
                return true;
            }

            if (ConnectionClose is bool close)
            {
                return close;
            }

            return VersionMajor < 1 || (VersionMajor == 1 && VersionMinor == 0);
        }
    }

    public void Reset()
    {
        Method = "";
        RawTarget = "";
        Path = "";
        Query = "";
        Fragment = "";
        VersionMajor = 0;
        VersionMinor = 0;
        Headers.Clear();
        Trailers.Clear();
        ContentLength = -1;
        Chunked = false;
        MustClose = false;
        ExpectContinue = false;
        HeaderScheme = null;
        ConnectionClose = null;
        Uwsgi = null;
    }
}
