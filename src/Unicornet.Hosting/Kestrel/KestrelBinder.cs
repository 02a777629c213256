using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Unicornet.Config.Options;
using Unicornet.Hosting.Kestrel.HeadGuard;
using Unicornet.Http.Forwarding;
using Unicornet.Http.Parsing;
using Unicornet.Http.Serving;

namespace Unicornet.Hosting.Kestrel;

/// <summary>
/// Configures one Kestrel server for unicornet: limits, protocols, TLS and the inherited listeners.
/// The listeners may arrive after Kestrel's options were created (a captured app that touched
/// app.Urls resolves IServer before the gate opens), so whichever comes second applies them.
/// </summary>
internal sealed class KestrelBinder
{
    /// <summary>Kestrel's default MaxRequestBufferSize, for a host that lifted it (null = unbounded).</summary>
    private const long DefaultRequestBuffer = 1024 * 1024;

    private readonly KestrelServingOptions _options;
    private readonly IHttpServingEvents _events;
    private readonly Action _lastRequest;
    private readonly RequestRefusals _refusals;
    private readonly object _lock = new();
    private KestrelServerOptions? _kestrel;
    private IReadOnlyList<Socket>? _listeners;
    private bool _bound;
    private Microsoft.AspNetCore.Server.Kestrel.Https.HttpsConnectionAdapterOptions? _https;

    public KestrelBinder(KestrelServingOptions options, IHttpServingEvents events, Action lastRequest)
    {
        _options = options;
        _events = events;
        _lastRequest = lastRequest;
        _refusals = new RequestRefusals(events);
    }

    /// <summary>
    /// Loads the certificate now, so a bad certfile/keyfile fails the worker at start with a clear
    /// message instead of inside Kestrel's options.
    /// </summary>
    public void PrepareTls()
    {
        if (string.IsNullOrEmpty(_options.CertFile))
        {
            return;
        }

        try
        {
            _https = KestrelTls.Create(_options);
        }
        catch (Exception ex) when (ex is IOException or System.Security.Cryptography.CryptographicException or ArgumentException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"Cannot load the TLS certificate (certfile '{_options.CertFile}', keyfile '{_options.KeyFile}'): {ex.Message}", ex);
        }
    }

    /// <summary>Adds unicornet's Kestrel configuration, events middleware and shutdown timeout to a host.</summary>
    public void ConfigureServices(IServiceCollection services)
    {
        // A bare LF never ends a line for the engine's parser; Kestrel's accepts it unless told otherwise (read when
        // its options are created, so before the host resolves them).
        AppContext.SetSwitch("Microsoft.AspNetCore.Server.Kestrel.DisableHttp1LineFeedTerminators", true);
        services.Configure<KestrelServerOptions>(Configure);
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(Math.Max(0, _options.GracefulTimeoutSeconds)));
        services.AddSingleton<IStartupFilter>(new EventsStartupFilter(this));
    }

    /// <summary>Adds the forwarding and events middleware in front of <paramref name="app"/>'s pipeline.</summary>
    public void UseEvents(IApplicationBuilder app)
    {
        // Before the events: a request the proxy settings refuse never reaches the worker's request count or hooks,
        // as on the engine classes where it fails in the parser.
        // First of all, a request the engine's parser refuses gets the engine's status and meets nothing else.
        var rules = new RequestRules(
            HttpParserSettings.NormaliseLine(_options.LimitRequestLine),
            HttpParserSettings.NormaliseFieldSize(_options.LimitRequestFieldSize),
            _options.PermitUnconventionalHttpMethod,
            _options.CasefoldHttpMethod);
        app.Use(next => new RequestRulesMiddleware(next, rules, _refusals).InvokeAsync);
        var forwarding = new ForwardingPolicy(_options.HeaderMap, _options.SecureSchemeHeaders, _options.ForwardedAllowIps, _options.ForwarderHeaders, _options.RootPath);
        app.Use(next => new ForwardingMiddleware(next, forwarding, _refusals).InvokeAsync);
        app.UseMiddleware<ServingEventsMiddleware>(_events, _options.KeepAliveSeconds <= 0, _lastRequest);
    }

    public void SetListeners(IReadOnlyList<Socket> listeners)
    {
        lock (_lock)
        {
            _listeners = listeners;
            BindIfReady();
        }
    }

    private void Configure(KestrelServerOptions kestrel)
    {
        // Drop the app's Kestrel:Endpoints section: it would open ports of its own next to ours.
        kestrel.Configure(new ConfigurationBuilder().Build(), reloadOnChange: false);
        kestrel.AddServerHeader = false;

        // Field values are latin-1 on the engine classes (gunicorn's rule); Kestrel's default ASCII refuses 0x80-0xFF.
        kestrel.RequestHeaderEncodingSelector = static _ => Encoding.Latin1;
        ApplyLimits(kestrel.Limits);
        lock (_lock)
        {
            _kestrel = kestrel;
            BindIfReady();
        }
    }

    private void BindIfReady()
    {
        if (_bound || _kestrel is null || _listeners is null)
        {
            return;
        }

        _bound = true;
        bool tls = !string.IsNullOrEmpty(_options.CertFile);
        HttpProtocols protocols = Protocols(tls);
        if (tls && _https is null)
        {
            PrepareTls();
        }

        var https = _https;
        Http.Serving.ProxyProtocolMode proxyMode = _options.ProxyProtocol;
        var proxyAllowed = new IpAllowList(_options.ProxyAllowIps);
        TimeSpan headerTimeout = _kestrel.Limits.RequestHeadersTimeout;
        HeadRules headRules = HeadGuardRules(_kestrel.Limits);
        foreach (Socket listener in _listeners)
        {
            _kestrel.ListenHandle((ulong)listener.Handle, listen =>
            {
                listen.Protocols = protocols;
                if (proxyMode != Http.Serving.ProxyProtocolMode.Off)
                {
                    // Before UseHttps: a PROXY header precedes the TLS handshake on the wire.
                    listen.Use(next => new ProxyProtocolMiddleware(next, proxyMode, proxyAllowed, headerTimeout).OnConnectionAsync);
                }

                if (https is not null)
                {
                    listen.UseHttps(https);
                }

                if (protocols != HttpProtocols.Http2)
                {
                    // After TLS and the PROXY header: the guard reads the plain HTTP/1 bytes Kestrel's parser will.
                    listen.Use(next => new HeadGuardMiddleware(next, headRules, _refusals, _options.Log).OnConnectionAsync);
                }
            });
        }
    }

    /// <summary>
    /// The longest head the guard holds back: the longest Kestrel accepts (the request line the engine allows, the
    /// header budget), but at most 7/8 of the request buffer (896 KiB by default). The pipes in front of the guard stop
    /// reading when they hold that buffer (the socket transport's 1 MiB, TLS's request buffer), so a held head never
    /// stalls the connection; the default limits' longest head (4,096 + 819,002 bytes) is still held and judged.
    /// </summary>
    private HeadRules HeadGuardRules(KestrelServerLimits limits)
    {
        long maxHeld = Math.Min(limits.MaxRequestBufferSize ?? DefaultRequestBuffer, DefaultRequestBuffer) / 8 * 7;
        int line = HttpParserSettings.NormaliseLine(_options.LimitRequestLine);
        // Kestrel's budget counts the header section's raw bytes, CRLFs included, plus the 2 of the empty line.
        long head = (line > 0 ? line + 2L : maxHeld) + limits.MaxRequestHeadersTotalSize + 2;
        return new HeadRules(_options.PermitUnconventionalHttpVersion, _options.CasefoldHttpMethod, (int)Math.Min(head, maxHeld));
    }

    internal HttpProtocols Protocols(bool tls)
    {
        bool h1 = Contains("h1");
        bool h2 = Contains("h2");
        if (!h1 && !h2)
        {
            h1 = true;
        }

        if (tls)
        {
            return h1 && h2 ? HttpProtocols.Http1AndHttp2 : h2 ? HttpProtocols.Http2 : HttpProtocols.Http1;
        }

        // Without TLS there is no ALPN: h2c needs prior knowledge (Kestrel does not do the h2c Upgrade).
        bool priorKnowledge = _options.Http2Cleartext is Http2CleartextMode.PriorKnowledge or Http2CleartextMode.Both;
        if (h2 && priorKnowledge)
        {
            return HttpProtocols.Http2;
        }

        if (h2 && !h1 && _options.Log is { } log)
        {
            log.H2OnlyOverCleartext(ChoiceText.Of(_options.Http2Cleartext));
        }

        return HttpProtocols.Http1;
    }

    private bool Contains(string protocol)
    {
        foreach (string p in _options.HttpProtocols)
        {
            if (string.Equals(p.Trim(), protocol, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private void ApplyLimits(KestrelServerLimits limits)
    {
        int fields = HttpParserSettings.NormaliseFields(_options.LimitRequestFields);
        int fieldSize = HttpParserSettings.NormaliseFieldSize(_options.LimitRequestFieldSize);

        // limit_request_line and the per-field limit are judged by RequestRulesMiddleware with the engine's 400 and
        // 431 (Kestrel's own line limit answers 414); Kestrel's line limit is only its request buffer, the longest line it
        // can hold, so limit_request_line = 0 means what it means on the engine: no limit short of that buffer.
        long buffer = Math.Min(limits.MaxRequestBufferSize ?? DefaultRequestBuffer, int.MaxValue);
        limits.MaxRequestLineSize = (int)buffer;
        limits.MaxRequestHeaderCount = fields;
        limits.MaxRequestHeadersTotalSize = (int)Math.Min(HeaderBudget(fields, fieldSize, _options.Http2MaxHeaderListSize), buffer);
        if (_options.KeepAliveSeconds > 0)
        {
            limits.KeepAliveTimeout = TimeSpan.FromSeconds(_options.KeepAliveSeconds);
        }

        if (_options.HeaderReadTimeoutSeconds > 0)
        {
            limits.RequestHeadersTimeout = TimeSpan.FromSeconds(_options.HeaderReadTimeoutSeconds);
        }

        if (_options.WorkerConnections > 0)
        {
            limits.MaxConcurrentConnections = _options.WorkerConnections;
        }

        limits.Http2.MaxStreamsPerConnection = Math.Max(1, _options.Http2MaxConcurrentStreams);
        limits.Http2.InitialStreamWindowSize = Math.Max(65535, _options.Http2InitialWindowSize);
        limits.Http2.InitialConnectionWindowSize = Math.Max(limits.Http2.InitialConnectionWindowSize, limits.Http2.InitialStreamWindowSize);
        limits.Http2.MaxFrameSize = Math.Clamp(_options.Http2MaxFrameSize, 16384, 16777215);
        limits.Http2.MaxRequestHeaderFieldSize = Math.Max(fieldSize, 4096);
    }

    /// <summary>
    /// Kestrel's <c>MaxRequestHeadersTotalSize</c> for the engine's limits. The engine has no total of its own: a head
    /// holds at most <c>limit_request_fields</c> field lines of at most <c>limit_request_field_size</c> bytes each, CRLF
    /// included, then the empty line. Kestrel allows the section's raw bytes, CRLFs included, up to its budget plus the
    /// 2 of the empty line, so fields × field size is the same largest head, and the count and per-field limits refuse
    /// the rest with the engine's 431 on both. HTTP/2 shares the budget as its header list limit: a larger
    /// <c>http2_max_header_list_size</c> raises it (HTTP/1 heads stay bounded by the count and per-field limits).
    /// Kestrel refuses to start with a budget above its request buffer; the binder caps it there.
    /// </summary>
    private static long HeaderBudget(int fields, int fieldSize, int http2MaxHeaderListSize) =>
        Math.Max((long)fields * fieldSize, Math.Max(0, http2MaxHeaderListSize));

    private sealed class EventsStartupFilter(KestrelBinder binder) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            binder.UseEvents(app);
            next(app);
        };
    }
}
