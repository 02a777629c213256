using Microsoft.AspNetCore.Http;

namespace Unicornet;

/// <summary>
/// The request handed to <c>pre_request</c> and <c>post_request</c> (gunicorn's <c>req</c>).
/// </summary>
public abstract class Request
{
    /// <summary>The request method, for example <c>GET</c>.</summary>
    public abstract string Method { get; }

    /// <summary>The raw request target as it came on the request line (gunicorn's <c>req.uri</c>).</summary>
    public abstract string Uri { get; }

    /// <summary>The path without the query string.</summary>
    public abstract string Path { get; }

    /// <summary>The query string without the leading <c>?</c>.</summary>
    public abstract string Query { get; }

    /// <summary>The protocol, for example <c>HTTP/1.1</c>.</summary>
    public abstract string Version { get; }

    /// <summary><c>http</c> or <c>https</c> after <c>secure_scheme_headers</c> are applied.</summary>
    public abstract string Scheme { get; }

    /// <summary>The request headers in arrival order.</summary>
    public abstract IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>The client address (after PROXY protocol and forwarded headers are applied).</summary>
    public abstract string? RemoteAddress { get; }

    /// <summary>The ASP.NET Core context for this request, when there is one.</summary>
    public abstract HttpContext? HttpContext { get; }
}
