using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

/// <summary>
/// <c>/echo...</c>: what the app sees of the request as JSON (method, scheme, PathBase, Path, query, protocol, the
/// client's address, every header, the body's length and SHA-256), for the tests that compare two ways in
/// (uwsgi_pass against proxy_pass). <c>/status?code=N</c> answers N; <c>/etag</c> answers 304 to a matching
/// If-None-Match.
/// </summary>
internal static class Echo
{
    private const string ETag = "\"v1\"";

    public static async Task Invoke(HttpContext context)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = new byte[64 * 1024];
        long length = 0;
        int n;
        while ((n = await context.Request.Body.ReadAsync(buffer, context.RequestAborted).ConfigureAwait(false)) > 0)
        {
            hash.AppendData(buffer, 0, n);
            length += n;
        }

        var headers = new SortedDictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues> header in context.Request.Headers)
        {
            headers[header.Key.ToLowerInvariant()] = header.Value.ToString();
        }

        var seen = new SortedDictionary<string, object?>(StringComparer.Ordinal)
        {
            ["method"] = context.Request.Method,
            ["scheme"] = context.Request.Scheme,
            ["pathBase"] = context.Request.PathBase.Value ?? "",
            ["path"] = context.Request.Path.Value ?? "",
            ["query"] = context.Request.QueryString.Value ?? "",
            ["protocol"] = context.Request.Protocol,
            ["remote"] = context.Connection.RemoteIpAddress?.ToString(),
            ["bodyLength"] = length,
            ["bodySha256"] = Convert.ToHexString(hash.GetHashAndReset()),
            ["headers"] = headers,
            ["pid"] = Environment.ProcessId,
        };
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(seen);
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = json.Length;
        await context.Response.Body.WriteAsync(json, context.RequestAborted).ConfigureAwait(false);
    }

    public static Task Status(HttpContext context)
    {
        context.Response.StatusCode = int.TryParse(context.Request.Query["code"], NumberStyles.None, CultureInfo.InvariantCulture, out int code) ? code : 200;
        return Task.CompletedTask;
    }

    public static Task WithETag(HttpContext context)
    {
        context.Response.Headers.ETag = ETag;
        if (context.Request.Headers.IfNoneMatch == ETag)
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        context.Response.ContentType = "text/plain";
        return context.Response.WriteAsync("fresh\n");
    }
}
