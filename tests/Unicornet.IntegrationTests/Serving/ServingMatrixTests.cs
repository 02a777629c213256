using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Unicornet.IntegrationTests.Support;

namespace Unicornet.IntegrationTests.Serving;

/// <summary>The same example apps give the same answers on all four worker classes, through the real binary.</summary>
public sealed class ServingMatrixTests
{
    public static TheoryData<string> WorkerClasses => new() { "sync", "gthread", "async", "kestrel" };

    private static Task<ServerProcess> Start(string workerClass, string app, params string[] extra) =>
        ServerProcess.StartAsync(["-k", workerClass, "-w", "2", "--threads", "4", "--no-control-socket", .. extra, app]);

    private static HttpClient Client(ServerProcess server) => new() { BaseAddress = server.BaseUri, Timeout = TimeSpan.FromSeconds(30) };

    [Theory]
    [MemberData(nameof(WorkerClasses))]
    public async Task Hello_app_answers_the_same(string workerClass)
    {
        await using ServerProcess server = await Start(workerClass, Examples.Dll("HelloApp") + ":App");
        using HttpClient client = Client(server);

        using HttpResponseMessage hello = await client.GetAsync("/");
        hello.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await hello.Content.ReadAsStringAsync()).ShouldBe("Hello, World!");
        hello.Content.Headers.ContentType!.MediaType.ShouldBe("text/plain");

        byte[] big = await client.GetByteArrayAsync("/big");
        big.Length.ShouldBe(100 * 1024);
        big[26].ShouldBe((byte)'a');

        using var head = new HttpRequestMessage(HttpMethod.Head, "/");
        using HttpResponseMessage headResponse = await client.SendAsync(head);
        headResponse.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await headResponse.Content.ReadAsByteArrayAsync()).ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(WorkerClasses))]
    public async Task Minimal_api_app_runs_unmodified(string workerClass)
    {
        await using ServerProcess server = await Start(workerClass, Examples.Dll("MinimalApi"));
        using HttpClient client = Client(server);

        (await client.GetStringAsync("/")).ShouldBe("Hello from MinimalApi");

        using JsonDocument item = JsonDocument.Parse(await client.GetStringAsync("/items/7?tag=x"));
        item.RootElement.GetProperty("id").GetInt32().ShouldBe(7);
        item.RootElement.GetProperty("tag").GetString().ShouldBe("x");

        using HttpResponseMessage sum = await client.PostAsJsonAsync("/sum", new { numbers = new[] { 1, 2, 3 } });
        sum.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await sum.Content.ReadAsStringAsync()).ShouldBe("{\"sum\":6}");

        (await client.GetStringAsync("/stream")).ShouldBe("[1,2,3,4,5]");

        using HttpResponseMessage boom = await client.GetAsync("/boom");
        boom.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        (await boom.Content.ReadAsStringAsync()).ShouldContain("\"error\":\"handled\"");

        using HttpResponseMessage missing = await client.GetAsync("/no-such-route");
        missing.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Theory]
    [MemberData(nameof(WorkerClasses))]
    public async Task Controllers_app_routes_and_validates(string workerClass)
    {
        await using ServerProcess server = await Start(workerClass, Examples.Dll("ControllersApp"));
        using HttpClient client = Client(server);

        using JsonDocument book = JsonDocument.Parse(await client.GetStringAsync("/api/books/3"));
        book.RootElement.GetProperty("title").GetString().ShouldBe("The Art of Computer Programming");

        using HttpResponseMessage notFound = await client.GetAsync("/api/books/99");
        notFound.StatusCode.ShouldBe(HttpStatusCode.NotFound);

        using HttpResponseMessage invalid = await client.PostAsync("/api/books", new StringContent("{}", Encoding.UTF8, "application/json"));
        invalid.StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        using HttpResponseMessage created = await client.PostAsJsonAsync("/api/books", new { title = "New" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Theory]
    [MemberData(nameof(WorkerClasses))]
    public async Task Server_sent_events_stream_in_order(string workerClass)
    {
        await using ServerProcess server = await Start(workerClass, Examples.Dll("StreamingApp"));
        using HttpClient client = Client(server);
        using HttpResponseMessage response = await client.GetAsync("/events?count=3", HttpCompletionOption.ResponseHeadersRead);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        string body = await response.Content.ReadAsStringAsync();
        body.ShouldBe("id: 1\nevent: tick\ndata: {\"n\":1}\n\nid: 2\nevent: tick\ndata: {\"n\":2}\n\nid: 3\nevent: tick\ndata: {\"n\":3}\n\n");
    }

    [Fact]
    public async Task An_app_whose_startup_throws_exits_4_with_its_exception_in_the_log()
    {
        string broken = Path.Combine(Binaries.RepoRoot, "tests", "TestApps", "Unicornet.BrokenApp", "bin", Binaries.Configuration, "net10.0", "Unicornet.BrokenApp.dll");
        await using ServerProcess server = await ServerProcess.StartAsync(["-k", "async", "--no-control-socket", broken], waitForHttp: false);
        int exit = await server.WaitForExitAsync(TimeSpan.FromSeconds(60));
        exit.ShouldBe(4, server.Output);
        server.Output.ShouldContain("BrokenApp startup failed on purpose");
    }
}
