using Microsoft.AspNetCore.Http;

namespace Unicornet.Workers.Model;

/// <summary>pre_request/post_request's <c>req</c>, read from the request's <see cref="HttpContext"/>.</summary>
internal sealed class HookRequest : Request
{
    private readonly HttpContext _context;

    public HookRequest(HttpContext context) => _context = context;

    public override string Method => _context.Request.Method;

    public override string Uri => _context.Request.PathBase.Add(_context.Request.Path).Value + _context.Request.QueryString.Value;

    public override string Path => _context.Request.Path.Value ?? "/";

    public override string Query => _context.Request.QueryString.HasValue ? _context.Request.QueryString.Value![1..] : "";

    public override string Version => _context.Request.Protocol;

    public override string Scheme => _context.Request.Scheme;

    public override IReadOnlyList<KeyValuePair<string, string>> Headers =>
        _context.Request.Headers.Select(h => new KeyValuePair<string, string>(h.Key, h.Value.ToString())).ToArray();

    public override string? RemoteAddress => _context.Connection.RemoteIpAddress?.ToString();

    public override HttpContext? HttpContext => _context;
}
