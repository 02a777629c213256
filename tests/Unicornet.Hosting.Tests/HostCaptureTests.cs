using System.Text.Json;
using Unicornet.Hosting.AppLoading;
using Unicornet.Hosting.Tests.Support;

namespace Unicornet.Hosting.Tests;

/// <summary>An unmodified app loaded by path, its host captured, served through the bridge.</summary>
public abstract class CapturedAppFixture : IAsyncLifetime
{
    private readonly string _name;

    protected CapturedAppFixture(string name)
    {
        _name = name;
    }

    public LoadedApp App { get; private set; } = null!;

    public Task InitializeAsync()
    {
        App = AppLoader.Load(Examples.PathOf(_name), null, null, new AppLoadOptions
        {
            SetProcessGlobals = false,
            StartupTimeout = TimeSpan.FromSeconds(60),
            StopTimeout = TimeSpan.FromSeconds(10),
            BoundAddresses = ["http://127.0.0.1:8000"],
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (App?.Dispose is { } dispose)
        {
            await dispose().WaitAsync(TimeSpan.FromSeconds(20));
        }
    }
}

public sealed class MinimalApiFixture() : CapturedAppFixture("MinimalApi");

public sealed class ControllersAppFixture() : CapturedAppFixture("ControllersApp");

public sealed class StreamingAppFixture() : CapturedAppFixture("StreamingApp");

public sealed class MinimalApiCaptureTests(MinimalApiFixture fixture) : IClassFixture<MinimalApiFixture>
{
    [Fact]
    public async Task Root_route_answers()
    {
        fixture.App.IsAspNetCoreHost.ShouldBeTrue();
        TestResponse response = await FakeServer.SendAsync(fixture.App.Handler, "GET", "/");
        response.Status.ShouldBe(200);
        response.Body.ShouldBe("Hello from MinimalApi");
    }

    [Fact]
    public async Task Route_parameters_and_query_bind_to_json()
    {
        TestResponse response = await FakeServer.SendAsync(fixture.App.Handler, "GET", "/items/7?tag=x");
        response.Status.ShouldBe(200);
        response.Headers.ContentType.ToString().ShouldStartWith("application/json");
        response.Body.ShouldBe("{\"id\":7,\"tag\":\"x\"}");
    }

    [Fact]
    public async Task Route_constraint_mismatch_is_404()
    {
        TestResponse response = await FakeServer.SendAsync(fixture.App.Handler, "GET", "/items/seven");
        response.Status.ShouldBe(404);
    }

    [Fact]
    public async Task Post_body_binds()
    {
        TestResponse response = await FakeServer.SendAsync(fixture.App.Handler, "POST", "/sum", "{\"numbers\":[1,2,3]}");
        response.Status.ShouldBe(200);
        response.Body.ShouldBe("{\"sum\":6}");
    }

    [Fact]
    public async Task Singleton_service_keeps_state_across_requests()
    {
        int first = JsonDocument.Parse((await FakeServer.SendAsync(fixture.App.Handler, "GET", "/count")).Body).RootElement.GetProperty("count").GetInt32();
        int second = JsonDocument.Parse((await FakeServer.SendAsync(fixture.App.Handler, "GET", "/count")).Body).RootElement.GetProperty("count").GetInt32();
        second.ShouldBeGreaterThan(first);
    }

    [Fact]
    public async Task Async_enumerable_is_streamed_as_a_json_array()
    {
        TestResponse response = await FakeServer.SendAsync(fixture.App.Handler, "GET", "/stream");
        response.Status.ShouldBe(200);
        response.Body.ShouldBe("[1,2,3,4,5]");
    }

    [Fact]
    public async Task Exception_handler_turns_a_throw_into_500_json()
    {
        TestResponse response = await FakeServer.SendAsync(fixture.App.Handler, "GET", "/boom");
        response.Status.ShouldBe(500);
        response.Error.ShouldBeNull();
        response.Body.ShouldBe("{\"error\":\"handled\",\"detail\":\"boom\"}");
    }

    [Fact]
    public async Task Content_root_and_application_name_are_the_apps()
    {
        TestResponse response = await FakeServer.SendAsync(fixture.App.Handler, "GET", "/config");
        JsonElement json = JsonDocument.Parse(response.Body).RootElement;
        json.GetProperty("greeting").GetString().ShouldBe("from appsettings.json");
        json.GetProperty("application").GetString().ShouldBe("MinimalApi");
        json.GetProperty("environment").GetString().ShouldBe(Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? "Production");
    }
}

public sealed class ControllersAppCaptureTests(ControllersAppFixture fixture) : IClassFixture<ControllersAppFixture>
{
    [Fact]
    public async Task Attribute_routed_controller_answers()
    {
        TestResponse response = await FakeServer.SendAsync(fixture.App.Handler, "GET", "/api/books/3");
        response.Status.ShouldBe(200);
        response.Body.ShouldBe("{\"id\":3,\"title\":\"The Art of Computer Programming\"}");
    }

    [Fact]
    public async Task Controller_not_found_result()
    {
        TestResponse response = await FakeServer.SendAsync(fixture.App.Handler, "GET", "/api/books/42");
        response.Status.ShouldBe(404);
    }

    [Fact]
    public async Task Api_controller_validation_is_400_problem_details()
    {
        TestResponse response = await FakeServer.SendAsync(fixture.App.Handler, "POST", "/api/books", "{\"title\":\"\"}");
        response.Status.ShouldBe(400);
        response.Headers.ContentType.ToString().ShouldStartWith("application/problem+json");
        response.Body.ShouldContain("Title");
    }

    [Fact]
    public async Task Valid_post_is_201_with_location()
    {
        TestResponse response = await FakeServer.SendAsync(fixture.App.Handler, "POST", "/api/books", "{\"title\":\"SICP\"}");
        response.Status.ShouldBe(201);
        response.Headers.Location.ToString().ShouldEndWith("/api/books/100");
    }
}

public sealed class StreamingAppCaptureTests(StreamingAppFixture fixture) : IClassFixture<StreamingAppFixture>
{
    [Fact]
    public async Task Server_sent_events_are_written()
    {
        TestResponse response = await FakeServer.SendAsync(fixture.App.Handler, "GET", "/events?count=3");
        response.Status.ShouldBe(200);
        response.Headers.ContentType.ToString().ShouldBe("text/event-stream");
        response.Body.ShouldBe("id: 1\nevent: tick\ndata: {\"n\":1}\n\nid: 2\nevent: tick\ndata: {\"n\":2}\n\nid: 3\nevent: tick\ndata: {\"n\":3}\n\n");
    }
}

public sealed class FactoryCaptureTests
{
    private static readonly AppLoadOptions s_options = new()
    {
        SetProcessGlobals = false,
        StartupTimeout = TimeSpan.FromSeconds(60),
        StopTimeout = TimeSpan.FromSeconds(10),
        BoundAddresses = ["http://127.0.0.1:8000"],
    };

    [Fact]
    public async Task Factory_returning_a_web_application_is_captured_and_served()
    {
        LoadedApp app = AppLoader.Load("Unicornet.Hosting.Tests:WebFactories.CreateWeb(\"captured\")", null, null, s_options);
        try
        {
            app.IsAspNetCoreHost.ShouldBeTrue();
            TestResponse response = await FakeServer.SendAsync(app.Handler, "GET", "/hi");
            response.Status.ShouldBe(200);
            response.Body.ShouldBe("captured");
        }
        finally
        {
            await app.Dispose!().WaitAsync(TimeSpan.FromSeconds(20));
        }
    }

    [Fact]
    public async Task Factory_returning_a_builder_is_built_and_served()
    {
        LoadedApp app = AppLoader.Load("Unicornet.Hosting.Tests:CreateBuilder()", null, null, s_options);
        try
        {
            TestResponse response = await FakeServer.SendAsync(app.Handler, "GET", "/anything");
            response.Status.ShouldBe(404);
        }
        finally
        {
            await app.Dispose!().WaitAsync(TimeSpan.FromSeconds(20));
        }
    }

    [Fact]
    public void Startup_exception_surfaces_as_app_load_exception_with_its_text()
    {
        AppLoadException ex = Should.Throw<AppLoadException>(() => AppLoader.Load("Unicornet.Hosting.Tests:Broken()", null, null, s_options));
        ex.Message.ShouldBe("'Unicornet.Hosting.Tests:Broken()' failed to start: System.InvalidOperationException: database unreachable at startup");
        ex.InnerException.ShouldBeOfType<InvalidOperationException>();
    }
}
