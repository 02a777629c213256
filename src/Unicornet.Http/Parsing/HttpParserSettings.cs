using System.Text;
using Unicornet.Http.Serving;

namespace Unicornet.Http.Parsing;

/// <summary>The parser's view of the settings, normalised the way gunicorn normalises them.</summary>
internal sealed class HttpParserSettings
{
    private const int MaxRequestLine = 8190;
    private const int MaxHeaders = 32768;
    private const int DefaultMaxFieldSize = 8190;

    public HttpParserSettings(HttpServingOptions options)
    {
        int line = options.LimitRequestLine;
        LimitRequestLine = line < 0 || line >= MaxRequestLine ? MaxRequestLine : line;
        int fields = options.LimitRequestFields;
        LimitRequestFields = fields <= 0 || fields > MaxHeaders ? MaxHeaders : fields;
        int size = options.LimitRequestFieldSize;
        LimitRequestFieldSize = size <= 0 ? DefaultMaxFieldSize : size;
        MaxHeaderBuffer = (LimitRequestFields * (LimitRequestFieldSize + 2)) + 4;
        PermitObsoleteFolding = options.PermitObsoleteFolding;
        StripHeaderSpaces = options.StripHeaderSpaces;
        PermitUnconventionalMethod = options.PermitUnconventionalHttpMethod;
        PermitUnconventionalVersion = options.PermitUnconventionalHttpVersion;
        CasefoldMethod = options.CasefoldHttpMethod;
        HeaderMap = options.HeaderMap;

        // Names are upper-cased and encoded once here so the parser compares wire bytes with HttpChars.EqualsUpper.
        var scheme = new List<KeyValuePair<byte[], string>>();
        foreach (KeyValuePair<string, string> pair in options.SecureSchemeHeaders)
        {
            scheme.Add(new KeyValuePair<byte[], string>(Encoding.Latin1.GetBytes(pair.Key.ToUpperInvariant()), pair.Value));
        }

        SecureSchemeHeaders = scheme.ToArray();
        var forwarders = new List<byte[]>();
        foreach (string name in options.ForwarderHeaders)
        {
            if (name == "*")
            {
                AllForwarderHeaders = true;
            }

            forwarders.Add(Encoding.Latin1.GetBytes(name.ToUpperInvariant()));
        }

        ForwarderHeaders = forwarders.ToArray();
        ForwardedAllowIps = new IpAllowList(options.ForwardedAllowIps);
        ProxyAllowIps = new IpAllowList(options.ProxyAllowIps);
        Uwsgi = options.Protocol == WireProtocol.Uwsgi;
        UwsgiAllowIps = new IpAllowList(options.UwsgiAllowIps);
        ProxyProtocol = options.ProxyProtocol;
    }

    /// <summary>0 = unlimited.</summary>
    public int LimitRequestLine { get; }

    public int LimitRequestFields { get; }

    public int LimitRequestFieldSize { get; }

    public int MaxHeaderBuffer { get; }

    public bool PermitObsoleteFolding { get; }

    public bool StripHeaderSpaces { get; }

    public bool PermitUnconventionalMethod { get; }

    public bool PermitUnconventionalVersion { get; }

    public bool CasefoldMethod { get; }

    public HeaderMapPolicy HeaderMap { get; }

    /// <summary>Upper-cased header name → value meaning https.</summary>
    public KeyValuePair<byte[], string>[] SecureSchemeHeaders { get; }

    /// <summary>Upper-cased names.</summary>
    public byte[][] ForwarderHeaders { get; }

    public bool AllForwarderHeaders { get; }

    public IpAllowList ForwardedAllowIps { get; }

    public IpAllowList ProxyAllowIps { get; }

    public ProxyProtocolMode ProxyProtocol { get; }

    /// <summary>Requests arrive as uWSGI packets (<c>protocol = "uwsgi"</c>) instead of HTTP/1.x heads.</summary>
    public bool Uwsgi { get; }

    public IpAllowList UwsgiAllowIps { get; }
}
