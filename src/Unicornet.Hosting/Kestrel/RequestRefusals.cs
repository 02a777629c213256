using Microsoft.AspNetCore.Http;
using Unicornet.Http.Parsing;
using Unicornet.Http.Serving;

namespace Unicornet.Hosting.Kestrel;

/// <summary>
/// Answers a request the engine's parser would refuse, on the kestrel class, and reports it to the worker as the
/// engine reports its refusals: access log, metrics and post_request see it with the request line "-", the error log
/// (with log app errors) its reason; it never counts as a started request.
/// </summary>
internal sealed class RequestRefusals
{
    private readonly IHttpServingEvents _events;

    public RequestRefusals(IHttpServingEvents events)
    {
        _events = events;
    }

    public Task Refuse(HttpContext context, HttpParseError error)
    {
        var refusal = new HttpParseException(error);
        int status = refusal.Status;
        // An HTTP/1.1 connection closes as after any request the engine could not parse.
        context.Response.StatusCode = status;
        if (HttpProtocol.IsHttp11(context.Request.Protocol))
        {
            context.Response.Headers.Connection = "close";
        }

        Report(context, status, refusal);
        return Task.CompletedTask;
    }

    /// <summary>Reports a refusal answered elsewhere (by Kestrel itself, for the head guard).</summary>
    public void Report(HttpContext context, int status, HttpParseException refusal)
    {
        try
        {
            _events.RequestCompleted(context, new RequestSummary(status, 0, TimeSpan.Zero, "-", refusal) { Started = false });
        }
        catch (Exception)
        {
            // The worker's own reporting failed; the refusal goes out anyway, as on the engine classes.
        }
    }
}
