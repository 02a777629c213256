namespace Unicornet;

/// <summary>
/// Sends <c>103 Early Hints</c> ahead of the final response (gunicorn's <c>wsgi.early_hints</c>). Available on
/// unicornet's own HTTP/1.x worker classes (sync, gthread, async) as a request feature:
/// <c>context.Features.Get&lt;IHttpEarlyHintsFeature&gt;()</c>.
/// </summary>
public interface IHttpEarlyHintsFeature
{
    /// <summary>
    /// Writes one <c>HTTP/1.1 103 Early Hints</c> interim response with <paramref name="headers"/> (for example
    /// <c>Link</c>). May be called several times. Returns false, sending nothing, for HTTP/1.0 requests or once
    /// the final response has started. Header names must be tokens and values must not contain control characters.
    /// </summary>
    Task<bool> SendEarlyHintsAsync(IEnumerable<KeyValuePair<string, string>> headers, CancellationToken cancellationToken = default);
}
