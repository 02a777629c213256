using System.Text;
using Unicornet.Http.Connection;
using Unicornet.Http.Parsing;
using Unicornet.Http.Serving;

namespace Unicornet.Http.Tests;

/// <summary>Parser rules the corpus does not exercise.</summary>
public sealed class ParserTests
{
    private static RequestHead Parse(string request, HttpServingOptions? options = null, bool trusted = true)
    {
        var head = new RequestHead();
        HttpRequestParser.TryParseHead(Encoding.Latin1.GetBytes(request), eof: true, new HttpParserSettings(options ?? DefaultServingOptions.Value), trusted, head, out int consumed)
            .ShouldBeTrue();
        consumed.ShouldBe(request.Length);
        return head;
    }

    private static HttpParseError Reject(string request, HttpServingOptions? options = null, bool trusted = true) =>
        Should.Throw<HttpParseException>(() => Parse(request, options, trusted)).Error;

    [Fact]
    public void Unconventional_version_needs_the_setting()
    {
        Reject("GET / HTTP/2.0\r\n\r\n").ShouldBe(HttpParseError.InvalidHTTPVersion);
        Parse("GET / HTTP/2.0\r\n\r\n", DefaultServingOptions.Value with { PermitUnconventionalHttpVersion = true }).VersionMajor.ShouldBe(2);
    }

    [Fact]
    public void Forwarder_headers_with_underscores_are_kept_only_from_trusted_peers()
    {
        Parse("GET / HTTP/1.1\r\nSCRIPT_NAME: /app\r\n\r\n", trusted: true).Headers.ShouldContain(h => h.Key == "SCRIPT_NAME");
        Parse("GET / HTTP/1.1\r\nSCRIPT_NAME: /app\r\n\r\n", trusted: false).Headers.ShouldBeEmpty();
        Reject("GET / HTTP/1.1\r\nSCRIPT_NAME: /app\r\n\r\n", DefaultServingOptions.Value with { HeaderMap = HeaderMapPolicy.Refuse }, trusted: false).ShouldBe(HttpParseError.InvalidHeaderName);
    }

    [Fact]
    public void Scheme_headers_are_ignored_from_untrusted_peers_and_conflicts_rejected_from_trusted()
    {
        var options = DefaultServingOptions.Value with { SecureSchemeHeaders = new Dictionary<string, string> { ["X-FORWARDED-PROTO"] = "https", ["X-FORWARDED-SSL"] = "on" } };
        Parse("GET / HTTP/1.1\r\nX-Forwarded-Proto: https\r\n\r\n", options, trusted: false).HeaderScheme.ShouldBeNull();
        Parse("GET / HTTP/1.1\r\nX-Forwarded-Proto: https\r\n\r\n", options).HeaderScheme.ShouldBe("https");
        Reject("GET / HTTP/1.1\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Ssl: off\r\n\r\n", options).ShouldBe(HttpParseError.InvalidSchemeHeaders);
    }

    [Fact]
    public void Connection_persistence_follows_the_first_connection_header()
    {
        Parse("GET / HTTP/1.1\r\n\r\n").ShouldClose.ShouldBeFalse();
        Parse("GET / HTTP/1.0\r\n\r\n").ShouldClose.ShouldBeTrue();
        Parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").ShouldClose.ShouldBeFalse();
        Parse("GET / HTTP/1.1\r\nConnection: close\r\nConnection: keep-alive\r\n\r\n").ShouldClose.ShouldBeTrue();
        Parse("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n").ShouldClose.ShouldBeTrue();
    }

    [Fact]
    public void Expect_100_continue_is_ignored_on_http10_and_anything_else_is_417()
    {
        Parse("POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n").ExpectContinue.ShouldBeFalse();
        Parse("POST / HTTP/1.1\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\n").ExpectContinue.ShouldBeTrue();
        Reject("POST / HTTP/1.1\r\nExpect: 200-ok\r\n\r\n").ShouldBe(HttpParseError.ExpectationFailed);
    }

    [Fact]
    public void Incomplete_heads_wait_and_limits_apply_before_the_end()
    {
        var settings = new HttpParserSettings(DefaultServingOptions.Value with { LimitRequestLine = 20 });
        var head = new RequestHead();
        HttpRequestParser.TryParseHead("GET / HTTP/1.1\r\nHost: x\r\n"u8, eof: false, settings, true, head, out _).ShouldBeFalse();
        Should.Throw<HttpParseException>(() => HttpRequestParser.TryParseHead(Encoding.ASCII.GetBytes("GET /" + new string('a', 40)), false, settings, true, head, out _))
            .Error.ShouldBe(HttpParseError.LimitRequestLine);
    }

    [Fact]
    public void Chunk_size_rules()
    {
        RequestBodyReader.ParseChunkSize("1a"u8).ShouldBe(26);
        RequestBodyReader.ParseChunkSize("0005 ;ext=1"u8).ShouldBe(5);
        Should.Throw<HttpParseException>(() => RequestBodyReader.ParseChunkSize("5 "u8)).Error.ShouldBe(HttpParseError.InvalidChunkSize);
        Should.Throw<HttpParseException>(() => RequestBodyReader.ParseChunkSize("5;a\rb"u8)).Error.ShouldBe(HttpParseError.InvalidChunkExtension);
        Should.Throw<HttpParseException>(() => RequestBodyReader.ParseChunkSize("fffffffffffffffff"u8)).Error.ShouldBe(HttpParseError.InvalidChunkSize);
    }

    [Theory]
    [InlineData("10.1.2.3", true)]
    [InlineData("11.0.0.1", false)]
    [InlineData("::ffff:10.0.0.9", true)]
    [InlineData("2001:db8::5", true)]
    public void Allow_lists_match_cidrs_and_mapped_addresses(string address, bool allowed) =>
        new IpAllowList(["10.0.0.0/8", "2001:db8::/32"]).Allows(System.Net.IPAddress.Parse(address)).ShouldBe(allowed);
}
