using Unicornet.Hosting.AppLoading;
using Unicornet.Hosting.Tests.Support;

namespace Unicornet.Hosting.Tests;

public sealed class EntryPointTests
{
    private static AppLoadOptions Options(params string[] args) => new()
    {
        SetProcessGlobals = false,
        StartupTimeout = TimeSpan.FromSeconds(60),
        AppArguments = args,
    };

    [Fact]
    public void Startup_exception_of_an_unmodified_app_is_an_app_load_exception_with_its_text()
    {
        AppLoadException ex = Should.Throw<AppLoadException>(() => AppLoader.Load(Examples.PathOf("BrokenWebApp"), null, null, Options()));
        ex.Message.ShouldBe("'BrokenWebApp' failed to start: System.InvalidOperationException: migrations failed: no database");
        ex.InnerException.ShouldBeOfType<InvalidOperationException>();
    }

    [Fact]
    public void Entry_point_that_builds_no_host_is_reported()
    {
        AppLoadException ex = Should.Throw<AppLoadException>(() => AppLoader.Load(Examples.PathOf("BrokenWebApp"), null, null, Options("no-host")));
        ex.Message.ShouldStartWith("'BrokenWebApp' returned before starting a web host unicornet could capture");
    }

    [Fact]
    public async Task The_apps_own_urls_lose_to_unicornets_bind_with_a_note()
    {
        var log = new RecordingLog();
        var options = new AppLoadOptions
        {
            SetProcessGlobals = false,
            StartupTimeout = TimeSpan.FromSeconds(60),
            BoundAddresses = ["http://127.0.0.1:8000", "http://unix:/run/app.sock"],
            Log = log,
        };
        LoadedApp app = AppLoader.Load("Unicornet.Hosting.Tests:CreateWeb('x')", null, null, options);
        try
        {
            TestResponse response = await FakeServer.SendAsync(app.Handler, "GET", "/urls");
            response.Body.ShouldBe("http://127.0.0.1:8000,http://unix:/run/app.sock");
            log.Lines.ShouldContain(line => line.Contains("http://127.0.0.1:5999", StringComparison.Ordinal) && line.Contains("unicornet's bind wins", StringComparison.Ordinal));
        }
        finally
        {
            await app.Dispose!().WaitAsync(TimeSpan.FromSeconds(20));
        }
    }
}
