using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Unicornet.Http.Forwarding;
using Unicornet.Http.Parsing;
using Unicornet.Http.Serving;

namespace Unicornet.Hosting.Kestrel;

/// <summary>
/// Gives the proxy settings on the kestrel class the meaning they have on the engine classes, deciding through the
/// engine's own <see cref="ForwardingPolicy"/>: from a peer in <c>forwarded_allow_ips</c> (or a Unix socket),
/// <c>secure_scheme_headers</c> set the scheme and X-Forwarded-For the client's address; <c>header_map</c> drops or
/// refuses fields with underscores that are not trusted <c>forwarder_headers</c>; <c>root_path</c> goes to PathBase.
/// A request the engine's parser would refuse gets the same 400 here and never reaches the app.
/// </summary>
internal sealed class ForwardingMiddleware
{
    private readonly RequestDelegate _next;
    private readonly ForwardingPolicy _policy;
    private readonly bool _checksUnderscores;
    private readonly RequestRefusals _refusals;

    public ForwardingMiddleware(RequestDelegate next, ForwardingPolicy policy, RequestRefusals refusals)
    {
        _next = next;
        _policy = policy;
        _refusals = refusals;
        _checksUnderscores = policy.HeaderMap != HeaderMapPolicy.Dangerous;
    }

    public Task InvokeAsync(HttpContext context)
    {
        HttpRequest request = context.Request;
        IHeaderDictionary headers = request.Headers;
        // Behind a PROXY header the connection's remote end is the proxied client; trust belongs to the real peer.
        IPAddress? peer = context.Features.Get<IProxiedConnectionFeature>() is { } proxied
            ? (proxied.Peer as IPEndPoint)?.Address
            : context.Connection.RemoteIpAddress;
        bool trusted = _policy.ForwardedAllowIps.Allows(peer);
        if (trusted && !ApplyForwarded(context, headers))
        {
            return _refusals.Refuse(context, HttpParseError.InvalidSchemeHeaders);
        }

        if (_checksUnderscores && !ApplyHeaderMap(headers, trusted))
        {
            return _refusals.Refuse(context, HttpParseError.InvalidHeaderName);
        }

        if (_policy.RootPath.Length > 0 && request.PathBase.Value is null or ""
            && ForwardingPolicy.SplitRoot(_policy.RootPath, request.Path.Value ?? "", out string pathBase, out string rest))
        {
            request.PathBase = new PathString(pathBase);
            request.Path = new PathString(rest);
        }

        return _next(context);
    }

    /// <summary>Scheme and client address from a trusted peer; false when its scheme headers disagree.</summary>
    private bool ApplyForwarded(HttpContext context, IHeaderDictionary headers)
    {
        string? scheme = null;
        foreach (KeyValuePair<string, string> pair in _policy.SecureSchemeHeaderNames)
        {
            if (!headers.TryGetValue(pair.Key, out StringValues values))
            {
                continue;
            }

            // Each repeated field counts on its own, as each line does in the engine's parser.
            foreach (string? value in values)
            {
                if (!ForwardingPolicy.MergeScheme(ref scheme, value ?? "", pair.Value))
                {
                    return false;
                }
            }
        }

        if (scheme is not null)
        {
            context.Request.Scheme = scheme;
        }

        if (headers.TryGetValue(ForwardingPolicy.ForwardedForHeader, out StringValues forwarded)
            && _policy.ClientFromForwardedFor(forwarded.ToString()) is IPAddress client)
        {
            context.Connection.RemoteIpAddress = client;
            context.Connection.RemotePort = 0;
        }

        return true;
    }

    /// <summary>Drops (or refuses: false) the fields whose names have underscores, as the engine's parser does.</summary>
    private bool ApplyHeaderMap(IHeaderDictionary headers, bool trusted)
    {
        List<string>? dropped = null;
        foreach (KeyValuePair<string, StringValues> header in headers)
        {
            if (!header.Key.Contains('_', StringComparison.Ordinal))
            {
                continue;
            }

            switch (_policy.ForUnderscoreField(trusted && _policy.IsForwarderHeader(header.Key)))
            {
                case UnderscoreField.Keep:
                    break;
                case UnderscoreField.Drop:
                    (dropped ??= []).Add(header.Key);
                    break;
                default:
                    return false;
            }
        }

        if (dropped is not null)
        {
            foreach (string name in dropped)
            {
                headers.Remove(name);
            }
        }

        return true;
    }

    /// <summary>Answers a request the engine's parser would refuse, with its status, without the app.</summary>
}
