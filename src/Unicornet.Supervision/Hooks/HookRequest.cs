using Microsoft.AspNetCore.Http;

namespace Unicornet.Supervision.Hooks;

/// <summary>pre_request/post_request's <c>req</c>, read from the request's <see cref="HttpContext"/>.</summary>
public sealed class HookRequest : Request
{
    private readonly HttpContext _context;

    /// <summary>A view of <paramref name="context"/>'s request.</summary>
    public HookRequest(HttpContext context) => _context = context;

    /// <inheritdoc />
    public override string Method => _context.Request.Method;

    /// <inheritdoc />
    public override string Uri => _context.Request.PathBase.Add(_context.Request.Path).Value + _context.Request.QueryString.Value;

    /// <inheritdoc />
    public override string Path => _context.Request.Path.Value ?? "/";

    /// <inheritdoc />
    public override string Query => _context.Request.QueryString.HasValue ? _context.Request.QueryString.Value![1..] : "";

    /// <inheritdoc />
    public override string Version => _context.Request.Protocol;

    /// <inheritdoc />
    public override string Scheme => _context.Request.Scheme;

    /// <inheritdoc />
    public override IReadOnlyList<KeyValuePair<string, string>> Headers =>
        _context.Request.Headers.Select(h => new KeyValuePair<string, string>(h.Key, h.Value.ToString())).ToArray();

    /// <inheritdoc />
    public override string? RemoteAddress => _context.Connection.RemoteIpAddress?.ToString();

    /// <inheritdoc />
    public override HttpContext? HttpContext => _context;
}
