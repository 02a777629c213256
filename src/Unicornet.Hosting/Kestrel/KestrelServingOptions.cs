using Microsoft.Extensions.Logging;
using Unicornet.Config.Options;

namespace Unicornet.Hosting.Kestrel;

/// <summary>
/// The settings the kestrel worker class needs, as plain values. The setting-backed members have no
/// defaults here: <see cref="KestrelServingOptionsFactory"/> fills them from the bound options, so
/// from the settings registry. Names follow the gunicorn settings they come from.
/// </summary>
public sealed record KestrelServingOptions
{
    /// <summary><c>http_protocols</c>: h1, h2, in order of preference.</summary>
    public IReadOnlyList<string> HttpProtocols { get; init; } = [];

    /// <summary><c>http2_cleartext</c>: off, prior-knowledge (h2c), upgrade or both.</summary>
    public Http2CleartextMode Http2Cleartext { get; init; }

    /// <summary><c>keepalive</c> seconds; 0 closes HTTP/1.x connections after each response.</summary>
    public int KeepAliveSeconds { get; init; }

    /// <summary><c>header_read_timeout</c> seconds (Kestrel's RequestHeadersTimeout).</summary>
    public int HeaderReadTimeoutSeconds { get; init; }

    /// <summary><c>graceful_timeout</c> seconds: how long a graceful stop lets in-flight requests finish.</summary>
    public int GracefulTimeoutSeconds { get; init; }

    /// <summary><c>worker_connections</c>: the most connections served at once.</summary>
    public int WorkerConnections { get; init; }

    /// <summary><c>limit_request_line</c> (0 or ≥ 8190 means 8190).</summary>
    public int LimitRequestLine { get; init; }

    /// <summary><c>limit_request_fields</c> (0 or > 32768 means 32768).</summary>
    public int LimitRequestFields { get; init; }

    /// <summary><c>limit_request_field_size</c> (≤ 0 means 8190).</summary>
    public int LimitRequestFieldSize { get; init; }

    /// <summary><c>http2_max_concurrent_streams</c>.</summary>
    public int Http2MaxConcurrentStreams { get; init; }

    /// <summary><c>http2_initial_window_size</c> (Kestrel needs at least 65535).</summary>
    public int Http2InitialWindowSize { get; init; }

    /// <summary><c>http2_max_frame_size</c>.</summary>
    public int Http2MaxFrameSize { get; init; }

    /// <summary><c>http2_max_header_list_size</c> (0 = Kestrel's default).</summary>
    public int Http2MaxHeaderListSize { get; init; }

    /// <summary><c>certfile</c>: PEM certificate (or a .pfx/.p12); TLS is on when set.</summary>
    public string? CertFile { get; init; }

    /// <summary><c>keyfile</c>: PEM private key (null: the key is in <see cref="CertFile"/>).</summary>
    public string? KeyFile { get; init; }

    /// <summary><c>ca_certs</c>: PEM bundle that client certificates must chain to.</summary>
    public string? CaCerts { get; init; }

    /// <summary><c>cert_reqs</c>: 0 no client certificate, 1 optional, 2 required.</summary>
    public int CertReqs { get; init; }

    /// <summary><c>header_map</c>: drop, refuse or dangerous (fields whose names have underscores).</summary>
    public Http.Serving.HeaderMapPolicy HeaderMap { get; init; }

    /// <summary><c>secure_scheme_headers</c>: header → value meaning https, from a peer in <see cref="ForwardedAllowIps"/>.</summary>
    public IReadOnlyDictionary<string, string> SecureSchemeHeaders { get; init; } = new Dictionary<string, string>();

    /// <summary><c>forwarded_allow_ips</c>: the proxies whose forwarded headers are believed.</summary>
    public IReadOnlyList<string> ForwardedAllowIps { get; init; } = [];

    /// <summary><c>forwarder_headers</c>: underscore headers a trusted proxy may send.</summary>
    public IReadOnlyList<string> ForwarderHeaders { get; init; } = [];

    /// <summary><c>root_path</c>: the mount point split off into PathBase.</summary>
    public string RootPath { get; init; } = "";

    /// <summary><c>proxy_protocol</c>: which PROXY header may precede a connection's first bytes (before TLS).</summary>
    public Http.Serving.ProxyProtocolMode ProxyProtocol { get; init; }

    /// <summary><c>proxy_allow_ips</c>: the peers allowed to send a PROXY header.</summary>
    public IReadOnlyList<string> ProxyAllowIps { get; init; } = [];

    /// <summary><c>permit_unconventional_http_method</c>: methods outside gunicorn's conventional shape are served.</summary>
    public bool PermitUnconventionalHttpMethod { get; init; }

    /// <summary><c>permit_unconventional_http_version</c>: a request line with a version other than 1.x is not refused.</summary>
    public bool PermitUnconventionalHttpVersion { get; init; }

    /// <summary><c>casefold_http_method</c>: the method reaches the app upper-cased.</summary>
    public bool CasefoldHttpMethod { get; init; }

    /// <summary>
    /// The addresses unicornet listens on, for logs only; Kestrel reports the real ones itself.
    /// </summary>
    public IReadOnlyList<string> BoundAddresses { get; init; } = [];

    /// <summary>Minimum level for Microsoft.* categories in a plain-delegate host (captured apps keep their own logging config).</summary>
    public LogLevel MicrosoftLogLevel { get; init; } = LogLevel.Warning;

    /// <summary>Where Kestrel's and the host's warnings go; null drops them.</summary>
    public ILog? Log { get; init; }
}
