using Microsoft.AspNetCore.Http;

namespace Unicornet.Supervision.Hooks;

/// <summary>post_request's <c>resp</c>: the headers of the response and the status and sizes the serving loop reported.</summary>
public sealed class HookResponse : Response
{
    private readonly HttpContext _context;

    /// <summary>A view of <paramref name="context"/>'s response as the serving loop summed it up.</summary>
    public HookResponse(HttpContext context, int status, long bytesSent, TimeSpan duration)
    {
        _context = context;
        Status = status;
        BytesSent = bytesSent;
        Duration = duration;
    }

    /// <inheritdoc />
    public override int Status { get; }

    /// <inheritdoc />
    public override IReadOnlyList<KeyValuePair<string, string>> Headers =>
        _context.Response.Headers.Select(h => new KeyValuePair<string, string>(h.Key, h.Value.ToString())).ToArray();

    /// <inheritdoc />
    public override long BytesSent { get; }

    /// <inheritdoc />
    public override TimeSpan Duration { get; }

    /// <inheritdoc />
    public override HttpContext? HttpContext => _context;
}
