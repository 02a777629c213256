using System.Globalization;

namespace Unicornet.Config.Script;

/// <summary>
/// A WSGI-style environ dictionary for the <c>post_request(worker, req, environ, resp)</c> variant,
/// so hooks ported from gunicorn can keep reading <c>environ["PATH_INFO"]</c>.
/// </summary>
internal static class RequestEnviron
{
    public static IReadOnlyDictionary<string, object?> From(Request? req)
    {
        var environ = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (req is null)
        {
            return environ;
        }

        environ["REQUEST_METHOD"] = req.Method;
        environ["RAW_URI"] = req.Uri;
        environ["PATH_INFO"] = req.Path;
        environ["QUERY_STRING"] = req.Query;
        environ["SERVER_PROTOCOL"] = req.Version;
        environ["REMOTE_ADDR"] = req.RemoteAddress;
        environ["wsgi.url_scheme"] = req.Scheme;
        foreach (KeyValuePair<string, string> header in req.Headers)
        {
            string key = header.Key.ToUpperInvariant().Replace('-', '_');
            key = key is "CONTENT_TYPE" or "CONTENT_LENGTH" ? key : "HTTP_" + key;
            environ[key] = environ.TryGetValue(key, out object? prior) && prior is string s
                ? string.Create(CultureInfo.InvariantCulture, $"{s},{header.Value}")
                : header.Value;
        }

        return environ;
    }
}
