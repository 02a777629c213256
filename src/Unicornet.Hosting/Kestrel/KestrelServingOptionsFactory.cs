using Unicornet.Config;
using Unicornet.Config.Options;
using Unicornet.Config.Settings;

namespace Unicornet.Hosting.Kestrel;

/// <summary>Builds <see cref="KestrelServingOptions"/> from the resolved settings.</summary>
public static class KestrelServingOptionsFactory
{
    /// <summary>The kestrel worker's options for <paramref name="config"/>.</summary>
    public static KestrelServingOptions From(UnicornetConfig config, ILog? log = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        return From(config.Options, log);
    }

    /// <summary>The kestrel worker's options for <paramref name="o"/>.</summary>
    public static KestrelServingOptions From(UnicornetOptions o, ILog? log = null)
    {
        ArgumentNullException.ThrowIfNull(o);
        return new KestrelServingOptions
        {
            HttpProtocols = o.Kestrel.HttpProtocols,
            Http2Cleartext = o.Kestrel.Http2Cleartext,
            KeepAliveSeconds = o.Worker.Keepalive,
            HeaderReadTimeoutSeconds = o.Http.HeaderReadTimeout,
            GracefulTimeoutSeconds = o.Worker.GracefulTimeout,
            WorkerConnections = o.Worker.WorkerConnections,
            LimitRequestLine = o.Http.LimitRequestLine,
            LimitRequestFields = o.Http.LimitRequestFields,
            LimitRequestFieldSize = o.Http.LimitRequestFieldSize,
            Http2MaxConcurrentStreams = o.Kestrel.Http2MaxConcurrentStreams,
            Http2InitialWindowSize = o.Kestrel.Http2InitialWindowSize,
            Http2MaxFrameSize = o.Kestrel.Http2MaxFrameSize,
            Http2MaxHeaderListSize = o.Kestrel.Http2MaxHeaderListSize,
            CertFile = o.Ssl.CertFile,
            KeyFile = o.Ssl.KeyFile,
            CaCerts = o.Ssl.CaCerts,
            CertReqs = (int)o.Ssl.CertReqs,
            HeaderMap = Server.EngineServingOptionsFactory.Map(o.Http.HeaderMap),
            SecureSchemeHeaders = o.Http.SecureSchemeHeaders,
            ForwardedAllowIps = o.Http.ForwardedAllowIps,
            ForwarderHeaders = o.Http.ForwarderHeaders,
            RootPath = o.Http.RootPath,
            ProxyProtocol = Server.EngineServingOptionsFactory.Map(o.Http.ProxyProtocol),
            ProxyAllowIps = o.Http.ProxyAllowIps,
            PermitUnconventionalHttpMethod = o.Http.PermitUnconventionalHttpMethod,
            PermitUnconventionalHttpVersion = o.Http.PermitUnconventionalHttpVersion,
            CasefoldHttpMethod = o.Http.CasefoldHttpMethod,
            BoundAddresses = BoundAddresses(o),
            Log = log,
        };
    }

    /// <summary>
    /// The bind addresses as URLs (<c>http://127.0.0.1:8000</c>, <c>https://...</c>,
    /// <c>http://unix:/run/app.sock</c>), for IServerAddressesFeature and logs.
    /// </summary>
    public static IReadOnlyList<string> BoundAddresses(UnicornetConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return BoundAddresses(config.Options);
    }

    private static IReadOnlyList<string> BoundAddresses(UnicornetOptions o)
    {
        string scheme = o.Ssl.Enabled ? "https://" : "http://";
        var urls = new List<string>();
        foreach (BindAddress address in o.Listeners.Bind)
        {
            urls.Add(scheme + address);
        }

        return urls;
    }

    /// <summary>The <c>pythonpath</c> setting as the search path <see cref="AppLoading.AppLoader"/> takes.</summary>
    public static IReadOnlyList<string> SearchPath(UnicornetConfig config) => config.Options.Worker.PythonPath;
}
