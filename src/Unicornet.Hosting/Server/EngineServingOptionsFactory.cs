using Unicornet.Config.Options;
using Unicornet.Http.Serving;

namespace Unicornet.Hosting.Server;

/// <summary>
/// Builds the engine's plain <see cref="HttpServingOptions"/> from the bound options. The engine
/// has no defaults of its own: every value comes from here, so from the settings registry.
/// </summary>
public static class EngineServingOptionsFactory
{
    /// <summary>The engine's options for <paramref name="o"/> (TLS and the poll-thread flag are the worker's to add).</summary>
    public static HttpServingOptions From(UnicornetOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        return new HttpServingOptions
        {
            WorkerClass = ChoiceText.Of(o.Worker.WorkerClass),
            Threads = o.Worker.Threads,
            WorkerConnections = o.Worker.WorkerConnections,
            KeepAliveSeconds = o.Worker.Keepalive,
            GracefulTimeoutSeconds = o.Worker.GracefulTimeout,
            HeaderReadTimeoutSeconds = o.Http.HeaderReadTimeout,
            LimitRequestLine = o.Http.LimitRequestLine,
            LimitRequestFields = o.Http.LimitRequestFields,
            LimitRequestFieldSize = o.Http.LimitRequestFieldSize,
            PermitObsoleteFolding = o.Http.PermitObsoleteFolding,
            StripHeaderSpaces = o.Http.StripHeaderSpaces,
            PermitUnconventionalHttpMethod = o.Http.PermitUnconventionalHttpMethod,
            PermitUnconventionalHttpVersion = o.Http.PermitUnconventionalHttpVersion,
            CasefoldHttpMethod = o.Http.CasefoldHttpMethod,
            HeaderMap = ChoiceText.Of(o.Http.HeaderMap),
            SecureSchemeHeaders = o.Http.SecureSchemeHeaders,
            ForwardedAllowIps = o.Http.ForwardedAllowIps,
            ForwarderHeaders = o.Http.ForwarderHeaders,
            ProxyProtocol = ChoiceText.Of(o.Http.ProxyProtocol),
            ProxyAllowIps = o.Http.ProxyAllowIps,
            Protocol = ChoiceText.Of(o.Http.Protocol),
            UwsgiAllowIps = o.Http.UwsgiAllowIps,
            RootPath = o.Http.RootPath,
            SendFile = o.Http.SendFile,
            TlsHandshakeOnConnect = o.Ssl.DoHandshakeOnConnect,
        };
    }
}
