namespace Unicornet.Http.Serving;

/// <summary><c>header_map</c>: what happens to a header whose name contains <c>_</c>, which a proxy could not tell from <c>-</c>.</summary>
public enum HeaderMapPolicy
{
    /// <summary>The header is dropped (gunicorn's default).</summary>
    Drop,

    /// <summary>The request is answered with 400.</summary>
    Refuse,

    /// <summary>The header is kept as sent.</summary>
    Dangerous,
}

/// <summary><c>proxy_protocol</c>: which PROXY protocol header is expected before a connection's first request.</summary>
public enum ProxyProtocolMode
{
    /// <summary>None: the connection starts with a request.</summary>
    Off,

    /// <summary>The text header only.</summary>
    V1,

    /// <summary>The binary header only.</summary>
    V2,

    /// <summary>Either version.</summary>
    Auto,
}

/// <summary><c>protocol</c>: how requests arrive on the listeners.</summary>
public enum WireProtocol
{
    /// <summary>HTTP/1.x request heads.</summary>
    Http,

    /// <summary>uWSGI packets, from a front end such as nginx's <c>uwsgi_pass</c>.</summary>
    Uwsgi,
}
