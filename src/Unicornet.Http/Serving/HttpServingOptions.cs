namespace Unicornet.Http.Serving;

/// <summary>
/// Everything the HTTP/1.x serving loops need from the settings, as plain values so the engine has
/// no dependency on the config system. The setting-backed members have no defaults here: the
/// settings registry holds them, and the worker fills every member from the bound options
/// (Unicornet.Hosting.Server.EngineServingOptionsFactory).
/// </summary>
public sealed record HttpServingOptions
{
    /// <summary><c>worker_class</c>: the loop <see cref="HttpServingLoops.Create"/> picks.</summary>
    public ServingLoopKind Loop { get; init; }

    /// <summary><c>threads</c> (gthread).</summary>
    public int Threads { get; init; }

    /// <summary><c>worker_connections</c>.</summary>
    public int WorkerConnections { get; init; }

    /// <summary>Evens out accepts between the workers sharing a listener (gthread and async); none: accept at once.</summary>
    public IAcceptBalancer? AcceptBalancer { get; init; }

    /// <summary><c>keepalive</c> seconds (0 = off; sync never keeps alive).</summary>
    public int KeepAliveSeconds { get; init; }

    /// <summary><c>header_read_timeout</c> seconds.</summary>
    public int HeaderReadTimeoutSeconds { get; init; }

    /// <summary><c>limit_request_line</c>.</summary>
    public int LimitRequestLine { get; init; }

    /// <summary><c>limit_request_fields</c>.</summary>
    public int LimitRequestFields { get; init; }

    /// <summary><c>limit_request_field_size</c>.</summary>
    public int LimitRequestFieldSize { get; init; }

    /// <summary><c>permit_obsolete_folding</c>.</summary>
    public bool PermitObsoleteFolding { get; init; }

    /// <summary><c>strip_header_spaces</c>.</summary>
    public bool StripHeaderSpaces { get; init; }

    /// <summary><c>permit_unconventional_http_method</c>.</summary>
    public bool PermitUnconventionalHttpMethod { get; init; }

    /// <summary><c>permit_unconventional_http_version</c>.</summary>
    public bool PermitUnconventionalHttpVersion { get; init; }

    /// <summary><c>casefold_http_method</c>.</summary>
    public bool CasefoldHttpMethod { get; init; }

    /// <summary><c>header_map</c>: what happens to header names that contain <c>_</c>.</summary>
    public HeaderMapPolicy HeaderMap { get; init; }

    /// <summary><c>secure_scheme_headers</c>.</summary>
    public IReadOnlyDictionary<string, string> SecureSchemeHeaders { get; init; } = new Dictionary<string, string>();

    /// <summary><c>forwarded_allow_ips</c> (IPs, CIDRs or *).</summary>
    public IReadOnlyList<string> ForwardedAllowIps { get; init; } = [];

    /// <summary><c>forwarder_headers</c>.</summary>
    public IReadOnlyList<string> ForwarderHeaders { get; init; } = [];

    /// <summary><c>proxy_protocol</c>: whether a PROXY header is expected before the first request.</summary>
    public ProxyProtocolMode ProxyProtocol { get; init; }

    /// <summary><c>proxy_allow_ips</c>.</summary>
    public IReadOnlyList<string> ProxyAllowIps { get; init; } = [];

    /// <summary><c>protocol</c>: HTTP/1.x, or uWSGI packets from a front end such as nginx's uwsgi_pass.</summary>
    public WireProtocol Protocol { get; init; }

    /// <summary><c>uwsgi_allow_ips</c> (IPs or CIDRs): peers that may send uWSGI packets; Unix-socket peers always may.</summary>
    public IReadOnlyList<string> UwsgiAllowIps { get; init; } = [];

    /// <summary><c>root_path</c>, becomes PathBase.</summary>
    public string RootPath { get; init; } = "";

    /// <summary><c>sendfile</c>.</summary>
    public bool SendFile { get; init; }

    /// <summary>TLS when certfile is set; null for plain HTTP.</summary>
    public Unicornet.Http.Tls.TlsServer? Tls { get; init; }

    /// <summary>
    /// The default of <c>IHttpBodyControlFeature.AllowSynchronousIO</c> for every request. False as in Kestrel:
    /// blocking body reads and writes throw <see cref="InvalidOperationException"/> unless the app opts in.
    /// </summary>
    public bool AllowSynchronousIO { get; init; }

    /// <summary>
    /// The default of <c>IHttpMaxRequestBodySizeFeature.MaxRequestBodySize</c> for every request (null = no limit, as in
    /// gunicorn; Kestrel's default is 30,000,000). Apps may change it per request before reading the body; a body
    /// beyond it is answered with 413.
    /// </summary>
    public long? MaxRequestBodySize { get; init; }

    /// <summary>The graceful_timeout in seconds, for draining in-flight connections on stop.</summary>
    public int GracefulTimeoutSeconds { get; init; }

    /// <summary>
    /// Requests run on the runtime's socket poll threads (the async class with inline socket completions, which
    /// the worker turns on unless the operator set <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=0</c> for an
    /// app that blocks). Apps then never block, so the engine serves a new connection on the accepting thread,
    /// reads ahead for a hang-up only once the app yields, and holds the app's flushes while it runs
    /// synchronously. Ignored by the sync and gthread classes.
    /// </summary>
    public bool AppsRunOnPollThread { get; init; }
}
