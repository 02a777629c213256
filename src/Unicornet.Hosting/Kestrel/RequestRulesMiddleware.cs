using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using Unicornet.Http.Parsing;
using Unicornet.Http.Serving;

namespace Unicornet.Hosting.Kestrel;

/// <summary>
/// The engine parser's rules that Kestrel's parser does not apply, checked on the head Kestrel parsed before the
/// app sees it, with the engine's status: gunicorn's method shape, the request-line limit, token names, field
/// values without CTLs, the per-field size limit, a single Content-Type, Expect other than 100-continue (417) and
/// the Transfer-Encoding rules (501 for an unknown coding). Every rule is the engine's own code or table
/// (<see cref="HttpChars"/>, <see cref="HttpRequestParser"/>): one definition of a valid request for all classes.
/// The common request costs one vectorised scan per name and value.
/// </summary>
internal sealed class RequestRulesMiddleware
{
    private readonly RequestDelegate _next;
    private readonly RequestRules _rules;
    private readonly RequestRefusals _refusals;

    public RequestRulesMiddleware(RequestDelegate next, RequestRules rules, RequestRefusals refusals)
    {
        _next = next;
        _rules = rules;
        _refusals = refusals;
    }

    public Task InvokeAsync(HttpContext context)
    {
        HttpParseError? error = Check(context, out bool mustClose);
        if (error is { } refused)
        {
            return _refusals.Refuse(context, refused);
        }

        if (mustClose)
        {
            // A compressed transfer coding: the engine cannot trust what follows the body, so the connection ends.
            context.Response.Headers.Connection = "close";
        }

        return _next(context);
    }

    private HttpParseError? Check(HttpContext context, out bool mustClose)
    {
        mustClose = false;
        HttpRequest request = context.Request;
        bool http1 = HttpProtocol.IsHttp11(request.Protocol) || HttpProtocol.IsHttp10(request.Protocol);
        string method = request.Method;
        if (!IsConventional(method))
        {
            if (!ValidMethod(method))
            {
                return HttpParseError.InvalidRequestMethod;
            }

            if (_rules.CasefoldMethod)
            {
                request.Method = method.ToUpperInvariant();
            }
        }

        // method SP request-target SP HTTP/1.x: the line the engine measures (Kestrel allows single spaces only).
        if (http1 && _rules.LimitRequestLine > 0
            && method.Length + 10 + (context.Features.Get<IHttpRequestFeature>()?.RawTarget?.Length ?? 0) > _rules.LimitRequestLine)
        {
            return HttpParseError.LimitRequestLine;
        }

        IHeaderDictionary headers = request.Headers;
        int fieldLimit = _rules.LimitRequestFieldSize;
        foreach (KeyValuePair<string, StringValues> header in headers)
        {
            string name = header.Key;
            if (name.AsSpan().ContainsAnyExcept(HttpChars.TokenChars))
            {
                return HttpParseError.InvalidHeaderName;
            }

            foreach (string? value in header.Value)
            {
                if (value is null)
                {
                    continue;
                }

                if (HttpChars.ContainsInvalidFieldChar(value))
                {
                    return HttpParseError.InvalidHeader;
                }

                // The engine counts the field line "name: value" with its CRLF.
                if (name.Length + value.Length + 4 > fieldLimit)
                {
                    return HttpParseError.LimitRequestHeaders;
                }
            }
        }

        if (headers.ContentType.Count > 1)
        {
            return HttpParseError.InvalidHeader;
        }

        StringValues expect = headers.Expect;
        foreach (string? value in expect)
        {
            if (!value.AsSpan().Trim(" \t").Equals("100-continue", StringComparison.OrdinalIgnoreCase))
            {
                return HttpParseError.ExpectationFailed;
            }
        }

        StringValues codings = headers.TransferEncoding;
        return codings.Count == 0 ? null : CheckTransferEncoding(codings, headers, http1 && HttpProtocol.IsHttp10(request.Protocol), out mustClose);
    }

    private static HttpParseError? CheckTransferEncoding(StringValues codings, IHeaderDictionary headers, bool http10, out bool mustClose)
    {
        mustClose = false;
        bool chunked = false;
        try
        {
            foreach (string? value in codings)
            {
                mustClose |= HttpRequestParser.ApplyTransferEncoding(value ?? "", ref chunked);
            }
        }
        catch (HttpParseException ex)
        {
            return ex.Error;
        }

        return chunked && (http10 || headers.ContentLength is not null) ? HttpParseError.InvalidHeader : null;
    }

    /// <summary>The methods Kestrel names itself: valid under every setting, so the common request skips the check.</summary>
    private static bool IsConventional(string method) => method switch
    {
        "GET" or "POST" or "HEAD" or "PUT" or "DELETE" or "PATCH" or "OPTIONS" => true,
        _ => false,
    };

    private bool ValidMethod(string method)
    {
        Span<byte> bytes = method.Length <= 256 ? stackalloc byte[method.Length] : new byte[method.Length];
        if (Encoding.Latin1.GetBytes(method, bytes) != method.Length)
        {
            return false;
        }

        try
        {
            HttpRequestParser.ValidateMethod(bytes, _rules.PermitUnconventionalMethod);
            return true;
        }
        catch (HttpParseException)
        {
            return false;
        }
    }
}

/// <summary>The engine's request limits and method settings, normalised as the engine normalises them.</summary>
/// <param name="LimitRequestLine">0 = unlimited.</param>
/// <param name="LimitRequestFieldSize">The longest field line, with its CRLF.</param>
/// <param name="PermitUnconventionalMethod"><c>permit_unconventional_http_method</c>.</param>
/// <param name="CasefoldMethod"><c>casefold_http_method</c>.</param>
internal sealed record RequestRules(int LimitRequestLine, int LimitRequestFieldSize, bool PermitUnconventionalMethod, bool CasefoldMethod);
