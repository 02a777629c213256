using System.Text.Json;
using Unicornet.Http.Serving;

namespace Unicornet.Http.Tests;

/// <summary>Reads gunicorn's request corpus, vendored in Conformance/gunicorn-requests and copied beside the test assembly.</summary>
internal static class ConformanceCorpus
{
    public static string Directory { get; } = Path.Combine(AppContext.BaseDirectory, "Conformance", "gunicorn-requests");

    public static IEnumerable<string> Cases(string kind)
    {
        foreach (string file in System.IO.Directory.GetFiles(Path.Combine(Directory, kind), "*.http").Order(StringComparer.Ordinal))
        {
            yield return kind + "/" + Path.GetFileNameWithoutExtension(file);
        }
    }

    public static byte[] Bytes(string name) => File.ReadAllBytes(Path.Combine(Directory, name + ".http"));

    public static JsonElement Expect(string name) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, name + ".expect.json"))).RootElement;

    public static HttpServingOptions Options(JsonElement config)
    {
        HttpServingOptions options = DefaultServingOptions.Value;
        foreach (JsonProperty p in config.EnumerateObject())
        {
            options = p.Name switch
            {
                "limit_request_line" => options with { LimitRequestLine = p.Value.GetInt32() },
                "limit_request_fields" => options with { LimitRequestFields = p.Value.GetInt32() },
                "limit_request_field_size" => options with { LimitRequestFieldSize = p.Value.GetInt32() },
                "permit_obsolete_folding" => options with { PermitObsoleteFolding = p.Value.GetBoolean() },
                "strip_header_spaces" => options with { StripHeaderSpaces = p.Value.GetBoolean() },
                "permit_unconventional_http_method" => options with { PermitUnconventionalHttpMethod = p.Value.GetBoolean() },
                "casefold_http_method" => options with { CasefoldHttpMethod = p.Value.GetBoolean() },
                "header_map" => options with { HeaderMap = Enum.Parse<HeaderMapPolicy>(p.Value.GetString()!, ignoreCase: true) },
                "forwarded_allow_ips" => options with { ForwardedAllowIps = p.Value.GetString()!.Split(',') },
                "proxy_protocol" => options with { ProxyProtocol = p.Value.GetString() is "true" ? ProxyProtocolMode.Auto : Enum.Parse<ProxyProtocolMode>(p.Value.GetString()!, ignoreCase: true) },
                _ => throw new InvalidOperationException("unknown corpus setting " + p.Name),
            };
        }

        // gunicorn's default secure_scheme_headers, which invalid/019 relies on.
        return options with
        {
            SecureSchemeHeaders = new Dictionary<string, string>
            {
                ["X-FORWARDED-PROTOCOL"] = "ssl",
                ["X-FORWARDED-PROTO"] = "https",
                ["X-FORWARDED-SSL"] = "on",
            },
        };
    }
}
