using System.Text;
using System.Text.Json;
using Unicornet.Http.Connection;
using Unicornet.Http.Parsing;
using Unicornet.Http.Serving;

namespace Unicornet.Http.Tests;

/// <summary>
/// Replays every case of gunicorn's request corpus through the parser and body reader, in several chunkings,
/// and checks the same requests (or the same rejection and status) come out.
/// </summary>
public sealed class ConformanceTests
{
    private static readonly Func<int, int>[] s_chunkings =
    [
        _ => int.MaxValue,
        _ => 1,
        i => (int)((((uint)i * 2654435761u) >> 16) % 13) + 1,
    ];

    public static TheoryData<string> ValidCases() => new(ConformanceCorpus.Cases("valid"));

    public static TheoryData<string> InvalidCases() => new(ConformanceCorpus.Cases("invalid"));

    [Fact]
    public void Corpus_has_all_137_cases()
    {
        ConformanceCorpus.Cases("valid").Count().ShouldBe(63);
        ConformanceCorpus.Cases("invalid").Count().ShouldBe(74);
    }

    [Theory]
    [MemberData(nameof(ValidCases))]
    public async Task Valid_case_parses_like_gunicorn(string name)
    {
        JsonElement expect = ConformanceCorpus.Expect(name);
        foreach (Func<int, int> chunking in s_chunkings)
        {
            (List<Parsed> requests, Exception? error) = await ReplayAsync(name, expect, chunking);
            error.ShouldBeNull();
            JsonElement[] expected = expect.GetProperty("requests").EnumerateArray().ToArray();
            requests.Count.ShouldBe(expected.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                JsonElement e = expected[i];
                Parsed p = requests[i];
                p.Method.ShouldBe(e.GetProperty("method").GetString());
                p.Uri.ShouldBe(e.GetProperty("uri").GetString());
                p.Path.ShouldBe(e.GetProperty("path").GetString());
                p.Query.ShouldBe(e.GetProperty("query").GetString());
                p.Fragment.ShouldBe(e.GetProperty("fragment").GetString());
                int[] version = e.GetProperty("version").EnumerateArray().Select(v => v.GetInt32()).ToArray();
                p.Version.ShouldBe((version[0], version[1]));
                p.Headers.ShouldBe(Pairs(e.GetProperty("headers")));
                p.Trailers.ShouldBe(Pairs(e.GetProperty("trailers")));
                byte[] body = e.TryGetProperty("body", out JsonElement text) && text.ValueKind == JsonValueKind.String
                    ? Encoding.UTF8.GetBytes(text.GetString()!)
                    : Convert.FromBase64String(e.GetProperty("body_base64").GetString()!);
                p.Body.ShouldBe(body);
                if (expect.TryGetProperty("observed_proxy_protocol_info", out JsonElement proxies) && proxies[i].ValueKind == JsonValueKind.Object)
                {
                    p.Proxy.ShouldNotBeNull();
                    p.Proxy.Protocol.ShouldBe(proxies[i].GetProperty("proxy_protocol").GetString());
                    p.Proxy.ClientAddress!.ToString().ShouldBe(proxies[i].GetProperty("client_addr").GetString());
                    p.Proxy.ClientPort.ShouldBe(proxies[i].GetProperty("client_port").GetInt32());
                    p.Proxy.ProxyAddress!.ToString().ShouldBe(proxies[i].GetProperty("proxy_addr").GetString());
                    p.Proxy.ProxyPort.ShouldBe(proxies[i].GetProperty("proxy_port").GetInt32());
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public async Task Invalid_case_is_rejected_like_gunicorn(string name)
    {
        JsonElement expect = ConformanceCorpus.Expect(name);
        foreach (Func<int, int> chunking in s_chunkings)
        {
            (List<Parsed> requests, Exception? error) = await ReplayAsync(name, expect, chunking);
            HttpParseException parse = error.ShouldBeOfType<HttpParseException>();
            parse.Error.ToString().ShouldBe(expect.GetProperty("error").GetString());
            JsonElement status = expect.GetProperty("wsgi_error_status");
            parse.Status.ShouldBe(status.ValueKind == JsonValueKind.Null ? 0 : status.GetInt32());
            requests.Count.ShouldBe(expect.GetProperty("raised_on_request_index").GetInt32());
        }
    }

    private static List<(string, string)> Pairs(JsonElement array) =>
        array.EnumerateArray().Select(p => (p[0].GetString()!, p[1].GetString()!)).ToList();

    private sealed record Parsed(string Method, string Uri, string Path, string Query, string Fragment, (int, int) Version,
        List<(string, string)> Headers, List<(string, string)> Trailers, byte[] Body, ProxyInfo? Proxy);

    /// <summary>Drives the same parser and body reader the connections use, over an in-memory stream.</summary>
    private static async Task<(List<Parsed>, Exception?)> ReplayAsync(string name, JsonElement expect, Func<int, int> chunking)
    {
        var settings = new HttpParserSettings(ConformanceCorpus.Options(expect.GetProperty("config")));
        using var input = new ConnectionInput(new ChunkedReadStream(ConformanceCorpus.Bytes(name), chunking), 4 << 20);
        var reader = new RequestBodyReader(input, settings);
        var head = new RequestHead();
        var results = new List<Parsed>();
        try
        {
            for (int index = 0; ; index++)
            {
                ProxyInfo? proxy = null;
                if (input.Length == 0 && !await input.FillAsync())
                {
                    return (results, null);
                }

                if (index == 0 && settings.ProxyProtocol != ProxyProtocolMode.Off)
                {
                    int used;
                    while (!ProxyProtocolParser.TryParse(input.Span, input.IsEof, settings.ProxyProtocol, peerAllowed: true, out used, out proxy))
                    {
                        await input.FillAsync();
                    }

                    input.Advance(used);
                }

                int consumed;
                while (!HttpRequestParser.TryParseHead(input.Span, input.IsEof, settings, trusted: true, head, out consumed))
                {
                    await input.FillAsync();
                }

                input.Advance(consumed);
                reader.Reset(head, null);
                using var body = new MemoryStream();
                byte[] buffer = new byte[7];
                int n;
                while ((n = await reader.ReadAsync(buffer)) > 0)
                {
                    body.Write(buffer, 0, n);
                }

                results.Add(new Parsed(
                    head.Method, head.RawTarget, head.Path, head.Query, head.Fragment, (head.VersionMajor, head.VersionMinor),
                    head.Headers.Select(h => (h.Key.ToUpperInvariant(), h.Value)).ToList(),
                    head.Trailers.Select(h => (h.Key.ToUpperInvariant(), h.Value)).ToList(),
                    body.ToArray(), proxy));
                if (head.ShouldClose)
                {
                    return (results, null);
                }
            }
        }
        catch (HttpParseException ex)
        {
            return (results, ex);
        }
    }
}
