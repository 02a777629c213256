using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Unicornet.Http.Serving;

namespace Unicornet.Http.Tests;

/// <summary>The ASP.NET Core features the engine adds for apps that expect Kestrel: trailers, upgrade, body control.</summary>
public sealed class AspNetFeatureTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(15);

    /// <summary>A body with Content-Length (HttpResponse.WriteAsync flushes, which would make it chunked).</summary>
    private static Task Text(HttpContext ctx, string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        ctx.Response.ContentLength = bytes.Length;
        return ctx.Response.Body.WriteAsync(bytes).AsTask();
    }

    [Theory]
    [InlineData(ServingLoopKind.Sync)]
    [InlineData(ServingLoopKind.Gthread)]
    [InlineData(ServingLoopKind.Async)]
    public async Task Trailers_are_written_after_the_last_chunk(ServingLoopKind workerClass)
    {
        await using var loop = new LoopHarness(LoopHarness.Options(workerClass), async ctx =>
        {
            ctx.Response.DeclareTrailer("x-sum");
            await ctx.Response.WriteAsync("body");
            ctx.Response.AppendTrailer("x-sum", "42");
            ctx.Response.AppendTrailer("Content-Length", "99");
        });

        string response = loop.Exchange("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        response.ShouldContain("\r\nTrailer: x-sum\r\n");
        response.ShouldContain("\r\nTransfer-Encoding: chunked\r\n");
        response.ShouldNotContain("Content-Length");
        response.ShouldEndWith("\r\n\r\n00000004\r\nbody\r\n0\r\nx-sum: 42\r\n\r\n");
    }

    [Fact]
    public async Task Trailers_feature_is_absent_on_http10()
    {
        await using var loop = new LoopHarness(LoopHarness.Options(ServingLoopKind.Async), ctx =>
            Text(ctx, "supports=" + ctx.Response.SupportsTrailers()));

        loop.Exchange("GET / HTTP/1.0\r\n\r\n").ShouldEndWith("supports=False");
        loop.Exchange("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").ShouldEndWith("supports=True");
    }

    [Fact]
    public async Task Upgrade_switches_protocols_and_hands_over_the_raw_connection()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var loop = new LoopHarness(LoopHarness.Options(ServingLoopKind.Async), async ctx =>
        {
            ctx.Response.OnCompleted(() =>
            {
                done.TrySetResult();
                return Task.CompletedTask;
            });
            IHttpUpgradeFeature upgrade = ctx.Features.Get<IHttpUpgradeFeature>()!;
            if (!upgrade.IsUpgradableRequest)
            {
                await Text(ctx, "plain");
                return;
            }

            ctx.Response.Headers.Upgrade = "echo";
            Stream stream = await upgrade.UpgradeAsync();
            ctx.Response.HasStarted.ShouldBeTrue();
            byte[] buffer = new byte[5];
            int got = 0;
            while (got < buffer.Length)
            {
                int n = await stream.ReadAsync(buffer.AsMemory(got));
                if (n == 0)
                {
                    return;
                }

                got += n;
            }

            await stream.WriteAsync(Encoding.ASCII.GetBytes("ECHO:" + Encoding.ASCII.GetString(buffer)));
            await stream.FlushAsync();
        });

        // The first protocol bytes travel in the same packet as the request: they must reach the upgraded stream.
        string response = loop.Exchange("GET /up HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, Upgrade\r\nUpgrade: echo\r\n\r\nHELLO");
        response.ShouldStartWith("HTTP/1.1 101 Switching Protocols\r\n");
        response.ShouldContain("\r\nConnection: Upgrade\r\n");
        response.ShouldContain("\r\nUpgrade: echo\r\n");
        response.ShouldNotContain("Content-Length");
        response.ShouldNotContain("Transfer-Encoding");
        response.ShouldEndWith("\r\n\r\nECHO:HELLO");
        await done.Task.WaitAsync(s_wait);

        loop.Exchange("GET /up HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").ShouldEndWith("plain");
    }

    [Theory]
    [InlineData(ServingLoopKind.Sync)]
    [InlineData(ServingLoopKind.Gthread)]
    public async Task Upgrade_feature_is_absent_outside_the_async_class(ServingLoopKind workerClass)
    {
        await using var loop = new LoopHarness(LoopHarness.Options(workerClass), ctx =>
            Text(ctx, "upgrade=" + (ctx.Features.Get<IHttpUpgradeFeature>() is not null)));

        loop.Exchange("GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n").ShouldEndWith("upgrade=False");
    }

    [Theory]
    [InlineData(ServingLoopKind.Sync)]
    [InlineData(ServingLoopKind.Async)]
    public async Task Synchronous_io_follows_the_option(ServingLoopKind workerClass)
    {
        RequestDelegate app = ctx =>
        {
            try
            {
                ctx.Response.Body.Write("sync"u8);
            }
            catch (InvalidOperationException)
            {
                return Text(ctx, "refused");
            }

            return Task.CompletedTask;
        };

        await using (var strict = new LoopHarness(LoopHarness.Options(workerClass), app))
        {
            strict.Exchange("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").ShouldEndWith("refused");
        }

        await using var lenient = new LoopHarness(LoopHarness.Options(workerClass) with { AllowSynchronousIO = true }, app);
        lenient.Exchange("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").ShouldEndWith("\r\nsync\r\n0\r\n\r\n");
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "False")]
    [InlineData("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", "False")]
    [InlineData("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc", "True")]
    [InlineData("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n0\r\n\r\n", "True")]
    public async Task CanHaveBody_follows_the_framing(string request, string expected)
    {
        await using var loop = new LoopHarness(LoopHarness.Options(ServingLoopKind.Async), ctx =>
            Text(ctx, ctx.Features.Get<IHttpRequestBodyDetectionFeature>()!.CanHaveBody.ToString()));

        loop.Exchange(request).ShouldEndWith(expected);
    }

    [Theory]
    [InlineData(ServingLoopKind.Sync)]
    [InlineData(ServingLoopKind.Async)]
    public async Task Request_body_reads_through_the_pipe_reader(ServingLoopKind workerClass)
    {
        await using var loop = new LoopHarness(LoopHarness.Options(workerClass), async ctx =>
        {
            long total = 0;
            while (true)
            {
                System.IO.Pipelines.ReadResult result = await ctx.Request.BodyReader.ReadAsync();
                total += result.Buffer.Length;
                ctx.Request.BodyReader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }

            await Text(ctx, "read=" + total);
        });

        string body = new('b', 100_000);
        loop.Exchange("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\nConnection: close\r\n\r\n" + body).ShouldEndWith("read=100000");
        loop.Exchange("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n").ShouldEndWith("read=5");
    }

    [Theory]
    [InlineData(ServingLoopKind.Sync)]
    [InlineData(ServingLoopKind.Gthread)]
    [InlineData(ServingLoopKind.Async)]
    public async Task OnCompleted_fires_when_the_client_leaves_mid_response(ServingLoopKind workerClass)
    {
        var completed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var loop = new LoopHarness(LoopHarness.Options(workerClass), async ctx =>
        {
            ctx.Response.OnCompleted(() =>
            {
                completed.TrySetResult();
                return Task.CompletedTask;
            });
            byte[] block = new byte[64 * 1024];
            for (int i = 0; i < 4096; i++)
            {
                await ctx.Response.Body.WriteAsync(block);
                await ctx.Response.Body.FlushAsync();
            }
        });

        using (Socket socket = loop.Connect())
        {
            socket.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
            byte[] buffer = new byte[4096];
            socket.Receive(buffer).ShouldBeGreaterThan(0);
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }

        await completed.Task.WaitAsync(s_wait);
    }
}
