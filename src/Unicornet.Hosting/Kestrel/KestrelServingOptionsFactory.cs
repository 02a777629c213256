using Unicornet.Config;
using Unicornet.Config.Settings;

namespace Unicornet.Hosting.Kestrel;

/// <summary>Builds <see cref="KestrelServingOptions"/> from the resolved settings.</summary>
public static class KestrelServingOptionsFactory
{
    /// <summary>The kestrel worker's options for <paramref name="config"/>.</summary>
    public static KestrelServingOptions From(UnicornetConfig config, ILog? log = null)
    {
        return new KestrelServingOptions
        {
            HttpProtocols = config.Get<StringList>("http_protocols"),
            Http2Cleartext = config.Get<string>("http2_cleartext"),
            KeepAliveSeconds = config.Keepalive,
            HeaderReadTimeoutSeconds = config.Get<int>("header_read_timeout"),
            GracefulTimeoutSeconds = config.GracefulTimeout,
            WorkerConnections = config.WorkerConnections,
            LimitRequestLine = config.Get<int>("limit_request_line"),
            LimitRequestFields = config.Get<int>("limit_request_fields"),
            LimitRequestFieldSize = config.Get<int>("limit_request_field_size"),
            Http2MaxConcurrentStreams = config.Get<int>("http2_max_concurrent_streams"),
            Http2InitialWindowSize = config.Get<int>("http2_initial_window_size"),
            Http2MaxFrameSize = config.Get<int>("http2_max_frame_size"),
            Http2MaxHeaderListSize = config.Get<int>("http2_max_header_list_size"),
            CertFile = config.Get<string?>("certfile"),
            KeyFile = config.Get<string?>("keyfile"),
            CaCerts = config.Get<string?>("ca_certs"),
            CertReqs = config.Get<int>("cert_reqs"),
            BoundAddresses = BoundAddresses(config),
            Log = log,
        };
    }

    /// <summary>
    /// The bind addresses as URLs (<c>http://127.0.0.1:8000</c>, <c>https://...</c>,
    /// <c>http://unix:/run/app.sock</c>), for IServerAddressesFeature and logs.
    /// </summary>
    public static IReadOnlyList<string> BoundAddresses(UnicornetConfig config)
    {
        string scheme = string.IsNullOrEmpty(config.Get<string?>("certfile")) ? "http://" : "https://";
        var urls = new List<string>();
        foreach (BindAddress address in config.Bind)
        {
            urls.Add(scheme + address);
        }

        return urls;
    }

    /// <summary>The <c>pythonpath</c> setting as the search path <see cref="AppLoading.AppLoader"/> takes.</summary>
    public static IReadOnlyList<string> SearchPath(UnicornetConfig config) =>
        config.Get<string?>("pythonpath") is { Length: > 0 } path
            ? path.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [];
}
