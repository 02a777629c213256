using Microsoft.AspNetCore.Http;

namespace Unicornet;

/// <summary>
/// The response handed to <c>post_request</c> (gunicorn's <c>resp</c>).
/// </summary>
public abstract class Response
{
    /// <summary>The status code sent.</summary>
    public abstract int Status { get; }

    /// <summary>The response headers as sent.</summary>
    public abstract IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>Body bytes sent.</summary>
    public abstract long BytesSent { get; }

    /// <summary>Time from the start of the request to the end of the response.</summary>
    public abstract TimeSpan Duration { get; }

    /// <summary>The ASP.NET Core context for this request, when there is one.</summary>
    public abstract HttpContext? HttpContext { get; }
}
