namespace Unicornet.Supervision.Metrics;

/// <summary>
/// The request methods OpenTelemetry names in <c>http.request.method</c>; any other method is
/// <see cref="Other"/> (<c>_OTHER</c>), so a client cannot grow the series without bound.
/// </summary>
public enum HttpMethodKind
{
    /// <summary>A method not listed here.</summary>
    Other = 0,

    /// <summary>GET.</summary>
    Get,

    /// <summary>HEAD.</summary>
    Head,

    /// <summary>POST.</summary>
    Post,

    /// <summary>PUT.</summary>
    Put,

    /// <summary>DELETE.</summary>
    Delete,

    /// <summary>OPTIONS.</summary>
    Options,

    /// <summary>PATCH.</summary>
    Patch,

    /// <summary>TRACE.</summary>
    Trace,

    /// <summary>CONNECT.</summary>
    Connect,
}

/// <summary>Maps method strings to <see cref="HttpMethodKind"/> and back.</summary>
public static class HttpMethodKinds
{
    private static readonly string[] s_names = ["_OTHER", "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT"];

    /// <summary>The kind of <paramref name="method"/> (case-sensitive, as HTTP methods are).</summary>
    public static HttpMethodKind Parse(string? method) => method switch
    {
        "GET" => HttpMethodKind.Get,
        "HEAD" => HttpMethodKind.Head,
        "POST" => HttpMethodKind.Post,
        "PUT" => HttpMethodKind.Put,
        "DELETE" => HttpMethodKind.Delete,
        "OPTIONS" => HttpMethodKind.Options,
        "PATCH" => HttpMethodKind.Patch,
        "TRACE" => HttpMethodKind.Trace,
        "CONNECT" => HttpMethodKind.Connect,
        _ => HttpMethodKind.Other,
    };

    /// <summary>The label value of <paramref name="kind"/>.</summary>
    public static string Name(HttpMethodKind kind) => (uint)kind < (uint)s_names.Length ? s_names[(int)kind] : "_OTHER";
}
