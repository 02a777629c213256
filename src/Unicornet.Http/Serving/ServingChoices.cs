namespace Unicornet.Http.Serving;

/// <summary>
/// <c>worker_class</c> as the engine sees it: which of its serving loops runs. Only the engine's own classes have one
/// (the kestrel class serves through Kestrel); the class's name stays with the worker, which logs and shows it.
/// </summary>
public enum ServingLoopKind
{
    /// <summary>One connection at a time, one request per connection (<see cref="HttpServingLoops.Sync"/>).</summary>
    Sync,

    /// <summary>Many connections, at most <c>threads</c> requests at once (<see cref="HttpServingLoops.Gthread"/>).</summary>
    Gthread,

    /// <summary>Many connections and requests, upgrades allowed (<see cref="HttpServingLoops.Async"/>).</summary>
    Async,
}

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
