using System.Net;
using System.Text;
using System.Text.Json;
using Unicornet.Hosting.Tests.Support;
using Unicornet.Http.Serving;

namespace Unicornet.Hosting.Tests;

/// <summary>The unmodified example apps, host-captured, served by the real serving loops over sockets.</summary>
public sealed class MinimalApiOnEngineTests(MinimalApiFixture fixture) : IClassFixture<MinimalApiFixture>
{
    [Theory]
    [MemberData(nameof(BridgeEngineTests.AllClasses), MemberType = typeof(BridgeEngineTests))]
    public async Task Routes_binding_streaming_and_exception_handler(ServingLoopKind workerClass)
    {
        await using BridgedServer server = BridgedServer.Serve(workerClass, fixture.App.Handler);

        HttpResponseMessage item = await server.Client.GetAsync("/items/7?tag=x");
        item.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await item.Content.ReadAsStringAsync()).ShouldBe("{\"id\":7,\"tag\":\"x\"}");

        HttpResponseMessage sum = await server.Client.PostAsync("/sum", new StringContent("{\"numbers\":[1,2,3]}", Encoding.UTF8, "application/json"));
        (await sum.Content.ReadAsStringAsync()).ShouldBe("{\"sum\":6}");

        (await server.Client.GetStringAsync("/stream")).ShouldBe("[1,2,3,4,5]");

        HttpResponseMessage boom = await server.Client.GetAsync("/boom");
        boom.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        (await boom.Content.ReadAsStringAsync()).ShouldBe("{\"error\":\"handled\",\"detail\":\"boom\"}");

        JsonElement config = JsonDocument.Parse(await server.Client.GetStringAsync("/config")).RootElement;
        config.GetProperty("application").GetString().ShouldBe("MinimalApi");
    }
}

public sealed class ControllersAppOnEngineTests(ControllersAppFixture fixture) : IClassFixture<ControllersAppFixture>
{
    [Theory]
    [MemberData(nameof(BridgeEngineTests.AllClasses), MemberType = typeof(BridgeEngineTests))]
    public async Task Controllers_validation_and_created(ServingLoopKind workerClass)
    {
        await using BridgedServer server = BridgedServer.Serve(workerClass, fixture.App.Handler);

        (await server.Client.GetStringAsync("/api/books/3")).ShouldBe("{\"id\":3,\"title\":\"The Art of Computer Programming\"}");
        (await server.Client.GetAsync("/api/books/42")).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        HttpResponseMessage invalid = await server.Client.PostAsync("/api/books", new StringContent("{\"title\":\"\"}", Encoding.UTF8, "application/json"));
        invalid.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        invalid.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");

        HttpResponseMessage created = await server.Client.PostAsync("/api/books", new StringContent("{\"title\":\"SICP\"}", Encoding.UTF8, "application/json"));
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        created.Headers.Location!.ToString().ShouldEndWith("/api/books/100");
    }
}

public sealed class StreamingAppOnEngineTests(StreamingAppFixture fixture) : IClassFixture<StreamingAppFixture>
{
    [Theory]
    [MemberData(nameof(BridgeEngineTests.AllClasses), MemberType = typeof(BridgeEngineTests))]
    public async Task Server_sent_events_stream_chunked(ServingLoopKind workerClass)
    {
        await using BridgedServer server = BridgedServer.Serve(workerClass, fixture.App.Handler);

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using HttpResponseMessage response = await server.Client.GetAsync("/events?count=3", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        response.Headers.TransferEncodingChunked.ShouldBe(true);
        (await response.Content.ReadAsStringAsync(cts.Token)).ShouldBe(
            "id: 1\nevent: tick\ndata: {\"n\":1}\n\nid: 2\nevent: tick\ndata: {\"n\":2}\n\nid: 3\nevent: tick\ndata: {\"n\":3}\n\n");
    }
}
