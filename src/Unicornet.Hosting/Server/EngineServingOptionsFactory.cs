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
    /// <exception cref="ArgumentException">The worker class is kestrel, which has no engine loop.</exception>
    public static HttpServingOptions From(UnicornetOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        return new HttpServingOptions
        {
            Loop = Map(o.Worker.WorkerClass),
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
            HeaderMap = Map(o.Http.HeaderMap),
            SecureSchemeHeaders = o.Http.SecureSchemeHeaders,
            ForwardedAllowIps = o.Http.ForwardedAllowIps,
            ForwarderHeaders = o.Http.ForwarderHeaders,
            ProxyProtocol = Map(o.Http.ProxyProtocol),
            ProxyAllowIps = o.Http.ProxyAllowIps,
            Protocol = Map(o.Http.Protocol),
            UwsgiAllowIps = o.Http.UwsgiAllowIps,
            RootPath = o.Http.RootPath,
            SendFile = o.Http.SendFile,
        };
    }

    // The engine has its own choice types so it stands without Unicornet.Config; these map one to one.
    internal static ServingLoopKind Map(WorkerClassKind kind) => kind switch
    {
        WorkerClassKind.Sync => ServingLoopKind.Sync,
        WorkerClassKind.Gthread => ServingLoopKind.Gthread,
        WorkerClassKind.Async => ServingLoopKind.Async,

        // The kestrel class builds KestrelServingOptions (KestrelServingOptionsFactory) instead.
        _ => throw new ArgumentException($"the {ChoiceText.Of(kind)} worker class has no engine serving loop", nameof(kind)),
    };

    internal static Http.Serving.HeaderMapPolicy Map(HeaderMapMode mode) => mode switch
    {
        HeaderMapMode.Refuse => Http.Serving.HeaderMapPolicy.Refuse,
        HeaderMapMode.Dangerous => Http.Serving.HeaderMapPolicy.Dangerous,
        _ => Http.Serving.HeaderMapPolicy.Drop,
    };

    internal static Http.Serving.ProxyProtocolMode Map(Config.Options.ProxyProtocolMode mode) => mode switch
    {
        Config.Options.ProxyProtocolMode.V1 => Http.Serving.ProxyProtocolMode.V1,
        Config.Options.ProxyProtocolMode.V2 => Http.Serving.ProxyProtocolMode.V2,
        Config.Options.ProxyProtocolMode.Auto => Http.Serving.ProxyProtocolMode.Auto,
        _ => Http.Serving.ProxyProtocolMode.Off,
    };

    private static Http.Serving.WireProtocol Map(Config.Options.WireProtocol protocol) =>
        protocol == Config.Options.WireProtocol.Uwsgi ? Http.Serving.WireProtocol.Uwsgi : Http.Serving.WireProtocol.Http;
}
