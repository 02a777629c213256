namespace Unicornet.Config.Options;

/// <summary>HTTP/1.x request parsing and serving.</summary>
public sealed record HttpOptions
{
    /// <summary><c>header_read_timeout</c> in seconds.</summary>
    public required int HeaderReadTimeout { get; init; }

    /// <summary><c>limit_request_line</c>, already normalised (0 = no limit).</summary>
    public required int LimitRequestLine { get; init; }

    /// <summary><c>limit_request_fields</c>, already normalised.</summary>
    public required int LimitRequestFields { get; init; }

    /// <summary><c>limit_request_field_size</c>, already normalised.</summary>
    public required int LimitRequestFieldSize { get; init; }

    /// <summary><c>permit_obsolete_folding</c>.</summary>
    public required bool PermitObsoleteFolding { get; init; }

    /// <summary><c>strip_header_spaces</c>.</summary>
    public required bool StripHeaderSpaces { get; init; }

    /// <summary><c>permit_unconventional_http_method</c>.</summary>
    public required bool PermitUnconventionalHttpMethod { get; init; }

    /// <summary><c>permit_unconventional_http_version</c>.</summary>
    public required bool PermitUnconventionalHttpVersion { get; init; }

    /// <summary><c>casefold_http_method</c>.</summary>
    public required bool CasefoldHttpMethod { get; init; }

    /// <summary><c>header_map</c>.</summary>
    public required HeaderMapMode HeaderMap { get; init; }

    /// <summary><c>secure_scheme_headers</c>.</summary>
    public required IReadOnlyDictionary<string, string> SecureSchemeHeaders { get; init; }

    /// <summary><c>forwarded_allow_ips</c> (IPs, CIDRs or <c>*</c>).</summary>
    public required IReadOnlyList<string> ForwardedAllowIps { get; init; }

    /// <summary><c>forwarder_headers</c>.</summary>
    public required IReadOnlyList<string> ForwarderHeaders { get; init; }

    /// <summary><c>proxy_protocol</c>.</summary>
    public required ProxyProtocolMode ProxyProtocol { get; init; }

    /// <summary><c>proxy_allow_ips</c>.</summary>
    public required IReadOnlyList<string> ProxyAllowIps { get; init; }

    /// <summary><c>protocol</c>.</summary>
    public required WireProtocol Protocol { get; init; }

    /// <summary><c>uwsgi_allow_ips</c> (IPs or CIDRs): the peers that may speak uWSGI; Unix-socket peers always may.</summary>
    public required IReadOnlyList<string> UwsgiAllowIps { get; init; }

    /// <summary><c>root_path</c>: becomes PathBase.</summary>
    public required string RootPath { get; init; }

    /// <summary><c>sendfile</c>: on unless turned off (unset means on).</summary>
    public required bool SendFile { get; init; }
}
