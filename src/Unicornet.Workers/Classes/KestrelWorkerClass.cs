using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Unicornet.Config;
using Unicornet.Hosting.Kestrel;
using Unicornet.Http.Serving;

namespace Unicornet.Workers.Classes;

/// <summary>
/// The <c>kestrel</c> class: Kestrel bound with ListenHandle to the inherited fds (the hosting
/// project's <see cref="KestrelServing"/>), serving the app's request delegate. SEAM: apps that are
/// whole ASP.NET Core hosts need <see cref="KestrelServing.Load"/>, which loads the app itself; the
/// worker still loads apps through AppLoader first.
/// </summary>
internal sealed class KestrelWorkerClass : IWorkerClass
{
    private readonly HttpServingOptions _options;
    private readonly UnicornetConfig _config;
    private readonly ILog _log;

    public KestrelWorkerClass(HttpServingOptions options, UnicornetConfig config, ILog log)
    {
        _options = options;
        _config = config;
        _log = log;
    }

    public Task RunAsync(RequestDelegate app, IReadOnlyList<Socket> listeners, IHttpServingEvents events, CancellationToken graceful, CancellationToken immediate)
    {
        var options = new KestrelServingOptions
        {
            HttpProtocols = _config.Get<StringList>("http_protocols"),
            Http2Cleartext = _config.Get<string?>("http2_cleartext") ?? "off",
            KeepAliveSeconds = _options.KeepAliveSeconds,
            HeaderReadTimeoutSeconds = _options.HeaderReadTimeoutSeconds,
            GracefulTimeoutSeconds = _options.GracefulTimeoutSeconds,
            WorkerConnections = _options.WorkerConnections,
            LimitRequestLine = _options.LimitRequestLine,
            LimitRequestFields = _options.LimitRequestFields,
            LimitRequestFieldSize = _options.LimitRequestFieldSize,
            Http2MaxConcurrentStreams = _config.Get<int>("http2_max_concurrent_streams"),
            Http2InitialWindowSize = _config.Get<int>("http2_initial_window_size"),
            Http2MaxFrameSize = _config.Get<int>("http2_max_frame_size"),
            Http2MaxHeaderListSize = _config.Get<int>("http2_max_header_list_size"),
            CertFile = _config.Get<string?>("certfile"),
            KeyFile = _config.Get<string?>("keyfile"),
            CaCerts = _config.Get<string?>("ca_certs"),
            CertReqs = _config.Get<int>("cert_reqs"),
            Log = _log,
        };
        return KestrelServing.ForHandler(app, options, events).RunAsync(listeners, graceful, immediate);
    }
}
