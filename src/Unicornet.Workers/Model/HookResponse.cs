using Microsoft.AspNetCore.Http;
using Unicornet.Http.Serving;

namespace Unicornet.Workers.Model;

/// <summary>post_request's <c>resp</c>: the status and sizes the serving loop reported.</summary>
internal sealed class HookResponse : Response
{
    private readonly HttpContext _context;
    private readonly RequestSummary _summary;

    public HookResponse(HttpContext context, RequestSummary summary)
    {
        _context = context;
        _summary = summary;
    }

    public override int Status => _summary.Status;

    public override IReadOnlyList<KeyValuePair<string, string>> Headers =>
        _context.Response.Headers.Select(h => new KeyValuePair<string, string>(h.Key, h.Value.ToString())).ToArray();

    public override long BytesSent => _summary.BodyBytes;

    public override TimeSpan Duration => _summary.Duration;

    public override HttpContext? HttpContext => _context;
}
