using Unicornet.Http.Forwarding;
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
        LimitRequestLine = NormaliseLine(options.LimitRequestLine);
        LimitRequestFields = NormaliseFields(options.LimitRequestFields);
        LimitRequestFieldSize = NormaliseFieldSize(options.LimitRequestFieldSize);
        MaxHeaderBuffer = (LimitRequestFields * (LimitRequestFieldSize + 2)) + 4;
        PermitObsoleteFolding = options.PermitObsoleteFolding;
        StripHeaderSpaces = options.StripHeaderSpaces;
        PermitUnconventionalMethod = options.PermitUnconventionalHttpMethod;
        PermitUnconventionalVersion = options.PermitUnconventionalHttpVersion;
        CasefoldMethod = options.CasefoldHttpMethod;
        Forwarding = new ForwardingPolicy(options.HeaderMap, options.SecureSchemeHeaders, options.ForwardedAllowIps, options.ForwarderHeaders, options.RootPath);
        ProxyAllowIps = new IpAllowList(options.ProxyAllowIps);
        Uwsgi = options.Protocol == WireProtocol.Uwsgi;
        UwsgiAllowIps = new IpAllowList(options.UwsgiAllowIps);
        ProxyProtocol = options.ProxyProtocol;
    }

    /// <summary>0 = unlimited.</summary>
    public int LimitRequestLine { get; }

    /// <summary><c>limit_request_line</c> as gunicorn reads it: 0 = unlimited, a negative or larger value = 8190.</summary>
    public static int NormaliseLine(int line) => line < 0 || line >= MaxRequestLine ? MaxRequestLine : line;

    /// <summary><c>limit_request_fields</c>: at most 32768 (also for 0 or less).</summary>
    public static int NormaliseFields(int fields) => fields <= 0 || fields > MaxHeaders ? MaxHeaders : fields;

    /// <summary><c>limit_request_field_size</c>: 0 or less = 8190.</summary>
    public static int NormaliseFieldSize(int size) => size <= 0 ? DefaultMaxFieldSize : size;

    public int LimitRequestFields { get; }

    public int LimitRequestFieldSize { get; }

    public int MaxHeaderBuffer { get; }

    public bool PermitObsoleteFolding { get; }

    public bool StripHeaderSpaces { get; }

    public bool PermitUnconventionalMethod { get; }

    public bool PermitUnconventionalVersion { get; }

    public bool CasefoldMethod { get; }

    /// <summary>forwarded_allow_ips, secure_scheme_headers, forwarder_headers, header_map and root_path.</summary>
    public ForwardingPolicy Forwarding { get; }

    public IpAllowList ForwardedAllowIps => Forwarding.ForwardedAllowIps;

    public IpAllowList ProxyAllowIps { get; }

    public ProxyProtocolMode ProxyProtocol { get; }

    /// <summary>Requests arrive as uWSGI packets (<c>protocol = "uwsgi"</c>) instead of HTTP/1.x heads.</summary>
    public bool Uwsgi { get; }

    public IpAllowList UwsgiAllowIps { get; }
}
