namespace Unicornet.Config.Options;

/// <summary><c>proxy_protocol</c>: whether a PROXY protocol header is expected before the first request.</summary>
public enum ProxyProtocolMode
{
    /// <summary><c>off</c> (also <c>false</c>, <c>0</c>, <c>none</c>).</summary>
    Off,

    /// <summary><c>v1</c>: the text header only.</summary>
    V1,

    /// <summary><c>v2</c>: the binary header only.</summary>
    V2,

    /// <summary><c>auto</c> (also <c>true</c>, <c>1</c>, the bare flag): either version.</summary>
    Auto,
}

/// <summary><c>header_map</c>: what happens to header names that contain <c>_</c>.</summary>
public enum HeaderMapMode
{
    /// <summary><c>drop</c>: the header is dropped.</summary>
    Drop,

    /// <summary><c>refuse</c>: the request is answered with 400.</summary>
    Refuse,

    /// <summary><c>dangerous</c>: the header is kept.</summary>
    Dangerous,
}

/// <summary><c>http2_cleartext</c>: how HTTP/2 is offered without TLS.</summary>
public enum Http2CleartextMode
{
    /// <summary><c>off</c> (also <c>false</c>, <c>0</c>).</summary>
    Off,

    /// <summary><c>prior-knowledge</c> (also <c>true</c>, <c>1</c>): h2c without an upgrade.</summary>
    PriorKnowledge,

    /// <summary><c>upgrade</c>: accepted as in gunicorn; Kestrel has no h2c upgrade.</summary>
    Upgrade,

    /// <summary><c>both</c>: prior knowledge and upgrade.</summary>
    Both,
}

/// <summary><c>loglevel</c>.</summary>
public enum ErrorLogLevel
{
    /// <summary><c>debug</c>.</summary>
    Debug,

    /// <summary><c>info</c>.</summary>
    Info,

    /// <summary><c>warning</c>.</summary>
    Warning,

    /// <summary><c>error</c>.</summary>
    Error,

    /// <summary><c>critical</c>.</summary>
    Critical,
}

/// <summary><c>reload_engine</c>.</summary>
public enum ReloadEngineKind
{
    /// <summary><c>auto</c>.</summary>
    Auto,

    /// <summary><c>poll</c>.</summary>
    Poll,

    /// <summary><c>inotify</c>.</summary>
    Inotify,
}

/// <summary><c>cert_reqs</c>: whether clients are asked for a certificate (gunicorn's ssl.CERT_* numbers).</summary>
public enum ClientCertificateRequirement
{
    /// <summary>0: not asked.</summary>
    None = 0,

    /// <summary>1: asked, optional.</summary>
    Optional = 1,

    /// <summary>2: required.</summary>
    Required = 2,
}

/// <summary><c>protocol</c>: the wire protocol.</summary>
public enum WireProtocol
{
    /// <summary><c>http</c>.</summary>
    Http,

    /// <summary><c>uwsgi</c>: the uWSGI binary protocol of nginx's <c>uwsgi_pass</c> (sync, gthread and async classes).</summary>
    Uwsgi,
}
