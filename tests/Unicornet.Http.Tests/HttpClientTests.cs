using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Unicornet.Http.Serving;

namespace Unicornet.Http.Tests;

/// <summary>A real client (HttpClient) against the loops: chunked decoding, keep-alive reuse, request bodies.</summary>
public sealed class HttpClientTests
{
    [Theory]
    [InlineData(ServingLoopKind.Gthread)]
    [InlineData(ServingLoopKind.Async)]
    public async Task HttpClient_reads_chunked_and_reuses_the_connection(ServingLoopKind workerClass)
    {
        await using var loop = new LoopHarness(DefaultServingOptions.Value with { Loop = workerClass, KeepAliveSeconds = 5 }, async ctx =>
        {
            string body = await new StreamReader(ctx.Request.Body).ReadToEndAsync();
            await ctx.Response.WriteAsync("part1-");
            await ctx.Response.Body.FlushAsync();
            await ctx.Response.WriteAsync(new string('x', 70_000));
            await ctx.Response.WriteAsync("-" + body + "-" + ctx.Connection.Id);
        });
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        string? firstConnection = null;
        for (int i = 0; i < 3; i++)
        {
            using HttpResponseMessage response = await client.PostAsync($"http://127.0.0.1:{loop.Port}/", new StringContent("req" + i, Encoding.UTF8));
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            response.Headers.TransferEncodingChunked.ShouldBe(true);
            string text = await response.Content.ReadAsStringAsync();
            text.ShouldStartWith("part1-xxxx");
            text.Length.ShouldBe(6 + 70_000 + 1 + 4 + 1 + text.Split('-')[^1].Length);
            string connection = text.Split('-')[^1];
            text.ShouldContain("-req" + i + "-");
            firstConnection ??= connection;
            connection.ShouldBe(firstConnection);
        }
    }
}
