namespace Unicornet.Http.Parsing;

/// <summary>The request errors gunicorn's parser distinguishes (named after its exception classes).</summary>
internal enum HttpParseError
{
    NoMoreData,
    InvalidRequestLine,
    InvalidRequestMethod,
    InvalidHTTPVersion,
    InvalidHeader,
    InvalidHeaderName,
    LimitRequestLine,
    LimitRequestHeaders,
    ObsoleteFolding,
    InvalidSchemeHeaders,
    ExpectationFailed,
    UnsupportedTransferCoding,
    InvalidProxyLine,
    InvalidProxyHeader,
    ForbiddenProxyRequest,
    InvalidChunkSize,
    InvalidChunkExtension,
    ChunkMissingTerminator,
    RequestBodyTooLarge,

    /// <summary>A uWSGI packet that is truncated, malformed or names a var twice (gunicorn's InvalidUWSGIHeader).</summary>
    InvalidUwsgiHeader,

    /// <summary>A uWSGI packet whose modifier1 is not 0 (the WSGI request): gunicorn's UnsupportedModifier.</summary>
    UnsupportedUwsgiModifier,

    /// <summary>A uWSGI peer outside <c>uwsgi_allow_ips</c>: gunicorn's ForbiddenUWSGIRequest.</summary>
    ForbiddenUwsgiRequest,
}

/// <summary>
/// A malformed request (or body). <see cref="Status"/> is what goes back to the client; 0 = close silently.
/// A <see cref="Microsoft.AspNetCore.Http.BadHttpRequestException"/> (an <see cref="IOException"/>) as Kestrel throws,
/// so minimal APIs and MVC map a body error to its status (413 over MaxRequestBodySize) instead of aborting.
/// </summary>
internal sealed class HttpParseException : Microsoft.AspNetCore.Http.BadHttpRequestException
{
    public HttpParseException(HttpParseError error, string detail = "")
        : base(detail.Length == 0 ? error.ToString() : error.ToString() + ": " + detail, StatusOf(error) == 0 ? 400 : StatusOf(error))
    {
        Error = error;
    }

    public HttpParseError Error { get; }

    /// <summary>
    /// gunicorn's WSGI mapping: 400 for parse errors (also over-long request lines and, unlike gunicorn's 500,
    /// PROXY v2 framing errors and every uWSGI packet error), 431 header limits, 417, 501, 403; the IOError family (EOF, chunk framing)
    /// closes the connection without a response.
    /// </summary>
    public int Status => StatusOf(Error);

    /// <summary>The answer to a refused head: its status, <c>Connection: close</c> and the error's name as a plain-text body.</summary>
    public byte[] ToResponse()
    {
        string reason = Error.ToString();
        string text = "HTTP/1.1 " + Status.ToString(System.Globalization.CultureInfo.InvariantCulture) + " "
            + Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(Status)
            + "\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: "
            + reason.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\r\n\r\n" + reason;
        return System.Text.Encoding.ASCII.GetBytes(text);
    }

    private static int StatusOf(HttpParseError error) => error switch
    {
        HttpParseError.LimitRequestHeaders => 431,
        HttpParseError.ExpectationFailed => 417,
        HttpParseError.UnsupportedTransferCoding or HttpParseError.UnsupportedUwsgiModifier => 501,
        HttpParseError.ForbiddenProxyRequest or HttpParseError.ForbiddenUwsgiRequest => 403,
        HttpParseError.RequestBodyTooLarge => 413,
        HttpParseError.NoMoreData or HttpParseError.InvalidChunkSize or HttpParseError.InvalidChunkExtension
            or HttpParseError.ChunkMissingTerminator => 0,
        _ => 400,
    };
}
