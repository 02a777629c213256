using Unicornet.Config;
using Unicornet.Http.Serving;

namespace Unicornet.Workers;

/// <summary>Builds the engine's plain options from the resolved settings.</summary>
internal static class ServingOptions
{
    public static HttpServingOptions From(UnicornetConfig c) => new()
    {
        WorkerClass = c.WorkerClass,
        Threads = c.Threads,
        WorkerConnections = c.WorkerConnections,
        KeepAliveSeconds = c.Keepalive,
        HeaderReadTimeoutSeconds = c.Get<int>("header_read_timeout"),
        LimitRequestLine = c.Get<int>("limit_request_line"),
        LimitRequestFields = c.Get<int>("limit_request_fields"),
        LimitRequestFieldSize = c.Get<int>("limit_request_field_size"),
        PermitObsoleteFolding = c.Get<bool>("permit_obsolete_folding"),
        StripHeaderSpaces = c.Get<bool>("strip_header_spaces"),
        PermitUnconventionalHttpMethod = c.Get<bool>("permit_unconventional_http_method"),
        PermitUnconventionalHttpVersion = c.Get<bool>("permit_unconventional_http_version"),
        CasefoldHttpMethod = c.Get<bool>("casefold_http_method"),
        HeaderMap = c.Get<string?>("header_map") ?? "drop",
        SecureSchemeHeaders = c.Get<Dictionary<string, string>>("secure_scheme_headers"),
        ForwardedAllowIps = c.Get<StringList>("forwarded_allow_ips"),
        ForwarderHeaders = c.Get<StringList>("forwarder_headers"),
        ProxyProtocol = c.Get<string?>("proxy_protocol") ?? "off",
        ProxyAllowIps = c.Get<StringList>("proxy_allow_ips"),
        RootPath = c.Get<string?>("root_path") ?? "",
        SendFile = c["sendfile"] is not false,
        GracefulTimeoutSeconds = c.GracefulTimeout,

        // Read after the worker decided its socket completions (WorkerProcess.InlineSocketCompletions).
        AppsRunOnPollThread = c.WorkerClass == "async" && Unicornet.Platform.ChildRuntime.InlineSocketCompletions,
    };
}
