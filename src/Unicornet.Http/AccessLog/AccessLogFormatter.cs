using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Unicornet.Http.Serving;

namespace Unicornet.Http.AccessLog;

/// <summary>
/// Renders gunicorn's <c>access_log_format</c> (atoms <c>%(h)s</c> ... <c>%({name}i)s</c>; unknown atoms become
/// <c>-</c>; double quotes in values are backslash-escaped), or a JSON line with typed fields. The format is
/// compiled once; a worker with access logging off never constructs one.
/// </summary>
public sealed class AccessLogFormatter
{
    /// <summary>gunicorn's default access_log_format.</summary>
    public const string DefaultFormat = "%(h)s %(l)s %(u)s %(t)s \"%(r)s\" %(s)s %(b)s \"%(f)s\" \"%(a)s\"";

    [ThreadStatic]
    private static StringBuilder? s_builder;

    private static readonly string s_pid = "<" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ">";
    private readonly Segment[] _segments;
    private readonly bool _json;

    /// <summary>Compiles <paramref name="format"/>; <paramref name="json"/> selects the JSON line output instead.</summary>
    public AccessLogFormatter(string? format = null, bool json = false)
    {
        _json = json;
        _segments = Compile(string.IsNullOrEmpty(format) ? DefaultFormat : format);
    }

    private readonly record struct Segment(string? Literal, string? Atom);

    /// <summary>One access-log line (without newline) for a finished request.</summary>
    public string Format(HttpContext context, RequestSummary summary)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(summary);
        return _json ? FormatJson(context, summary) : FormatText(context, summary);
    }

    private string FormatText(HttpContext context, RequestSummary summary)
    {
        StringBuilder builder = s_builder ??= new StringBuilder(256);
        builder.Clear();
        foreach (Segment segment in _segments)
        {
            if (segment.Literal is not null)
            {
                builder.Append(segment.Literal);
                continue;
            }

            string value = Atom(segment.Atom!, context, summary);
            if (value.Contains('"', StringComparison.Ordinal))
            {
                value = value.Replace("\"", "\\\"", StringComparison.Ordinal);
            }

            builder.Append(value);
        }

        return builder.ToString();
    }

    private static string FormatJson(HttpContext context, RequestSummary summary)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            HttpRequest request = context.Request;
            json.WriteStartObject();
            json.WriteString("time", DateTimeOffset.Now);
            json.WriteString("remote_addr", context.Connection.RemoteIpAddress?.ToString());
            json.WriteString("user", BasicUser(request));
            json.WriteString("request_line", summary.RequestLine);
            json.WriteString("method", request.Method);
            json.WriteString("path", request.PathBase.Value + request.Path.Value);
            json.WriteString("query", request.QueryString.HasValue ? request.QueryString.Value![1..] : "");
            json.WriteString("protocol", request.Protocol);
            json.WriteNumber("status", summary.Status);
            json.WriteNumber("body_bytes", summary.BodyBytes);
            json.WriteString("referer", Header(request.Headers, "Referer"));
            json.WriteString("user_agent", Header(request.Headers, "User-Agent"));
            json.WriteNumber("duration_ms", summary.Duration.TotalMilliseconds);
            json.WriteNumber("pid", Environment.ProcessId);
            if (summary.Error is not null)
            {
                json.WriteString("error", summary.Error.GetType().Name);
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string Atom(string atom, HttpContext context, RequestSummary summary)
    {
        HttpRequest request = context.Request;
        switch (atom)
        {
            case "h":
                return context.Connection.RemoteIpAddress?.ToString() ?? "-";
            case "l":
                return "-";
            case "u":
                return BasicUser(request) ?? "-";
            case "t":
                return DateTimeOffset.Now.ToString("[dd/MMM/yyyy:HH:mm:ss ", CultureInfo.InvariantCulture)
                    + DateTimeOffset.Now.ToString("zzz", CultureInfo.InvariantCulture).Replace(":", "", StringComparison.Ordinal) + "]";
            case "r":
                return summary.RequestLine;
            case "m":
                return request.Method;
            case "U":
                return request.PathBase.Value + request.Path.Value;
            case "q":
                return request.QueryString.HasValue ? request.QueryString.Value![1..] : "";
            case "H":
                return request.Protocol;
            case "s":
                return summary.Status.ToString(CultureInfo.InvariantCulture);
            case "B":
            case "b":
                return summary.BodyBytes.ToString(CultureInfo.InvariantCulture);
            case "f":
                return Header(request.Headers, "Referer") ?? "-";
            case "a":
                return Header(request.Headers, "User-Agent") ?? "-";
            case "T":
                return ((long)summary.Duration.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            case "M":
                return ((long)summary.Duration.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
            case "D":
                return ((long)(summary.Duration.Ticks / 10)).ToString(CultureInfo.InvariantCulture);
            case "L":
                long micros = summary.Duration.Ticks / 10;
                return (micros / 1_000_000).ToString(CultureInfo.InvariantCulture) + "." + (micros % 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
            case "p":
                return s_pid;
        }

        if (atom.Length > 3 && atom[0] == '{')
        {
            int close = atom.LastIndexOf('}');
            if (close > 1 && close == atom.Length - 2)
            {
                string name = atom[1..close];
                return atom[^1] switch
                {
                    'i' => Header(request.Headers, name) ?? "-",
                    'o' => Header(context.Response.Headers, name) ?? "-",
                    'e' => Environ(name, context) ?? "-",
                    _ => "-",
                };
            }
        }

        return "-";
    }

    private static string? Header(IHeaderDictionary headers, string name) =>
        headers.TryGetValue(name, out Microsoft.Extensions.Primitives.StringValues values) && values.Count > 0 ? values.ToString() : null;

    private static string? Environ(string key, HttpContext context) => key.ToUpperInvariant() switch
    {
        "REMOTE_ADDR" => context.Connection.RemoteIpAddress?.ToString(),
        "REMOTE_PORT" => context.Connection.RemotePort.ToString(CultureInfo.InvariantCulture),
        "REQUEST_METHOD" => context.Request.Method,
        "PATH_INFO" => context.Request.Path.Value,
        "SCRIPT_NAME" => context.Request.PathBase.Value,
        "QUERY_STRING" => context.Request.QueryString.HasValue ? context.Request.QueryString.Value![1..] : "",
        "SERVER_PROTOCOL" => context.Request.Protocol,
        "RAW_URI" => context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget,
        "WSGI.URL_SCHEME" => context.Request.Scheme,
        _ => Environment.GetEnvironmentVariable(key) ?? Environment.GetEnvironmentVariable(key.ToUpperInvariant()),
    };

    private static string? BasicUser(HttpRequest request)
    {
        string? auth = Header(request.Headers, "Authorization");
        if (auth is null || !auth.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            string decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth[6..].Trim()));
            int colon = decoded.IndexOf(':', StringComparison.Ordinal);
            return colon >= 0 ? decoded[..colon] : decoded;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>Splits a Python %-style format into literals and <c>%(atom)s</c> references.</summary>
    private static Segment[] Compile(string format)
    {
        var segments = new List<Segment>();
        var literal = new StringBuilder();
        int i = 0;
        while (i < format.Length)
        {
            char c = format[i];
            if (c == '%' && i + 1 < format.Length && format[i + 1] == '%')
            {
                literal.Append('%');
                i += 2;
                continue;
            }

            if (c == '%' && i + 1 < format.Length && format[i + 1] == '(')
            {
                int close = format.IndexOf(')', i + 2);
                if (close > 0 && close + 1 < format.Length)
                {
                    if (literal.Length > 0)
                    {
                        segments.Add(new Segment(literal.ToString(), null));
                        literal.Clear();
                    }

                    segments.Add(new Segment(null, format[(i + 2)..close]));
                    i = close + 2;
                    continue;
                }
            }

            literal.Append(c);
            i++;
        }

        if (literal.Length > 0)
        {
            segments.Add(new Segment(literal.ToString(), null));
        }

        return segments.ToArray();
    }
}
