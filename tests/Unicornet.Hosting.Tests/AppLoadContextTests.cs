using System.Reflection;
using System.Runtime.Loader;
using Microsoft.AspNetCore.Http;
using Unicornet.Hosting.AppLoading;
using Unicornet.Hosting.Tests.Support;

namespace Unicornet.Hosting.Tests;

public sealed class AppLoadContextTests
{
    [Fact]
    public async Task Private_dependencies_resolve_through_the_apps_deps_json_and_framework_ones_are_shared()
    {
        LoadedApp app = AppLoader.Load(Examples.PathOf("PrivateDepApp") + ":App", null, null, new AppLoadOptions { SetProcessGlobals = false });
        TestResponse response = await FakeServer.SendAsync(app.Handler, "GET", "/");
        response.Error.ShouldBeNull();
        string[] parts = response.Body.Split('|');
        parts[0].ShouldBe("private hello app");
        parts[1].ShouldBe("unicornet-app:PrivateDepApp");

        // Serilog ships with unicornet at the version the app asks for: one shared copy.
        parts[2].ShouldBe("Default");
    }

    [Fact]
    public void The_app_assembly_gets_its_own_context_once()
    {
        LoadedApp first = AppLoader.Load(Examples.PathOf("HelloApp") + ":App", null, null, new AppLoadOptions { SetProcessGlobals = false });
        LoadedApp second = AppLoader.Load(Examples.PathOf("HelloApp") + ":App", null, null, new AppLoadOptions { SetProcessGlobals = false });
        Assembly helloAssembly = first.Handler.Method.DeclaringType!.Assembly;
        AssemblyLoadContext.GetLoadContext(helloAssembly)!.Name.ShouldBe("unicornet-app:HelloApp");
        second.Handler.Method.DeclaringType!.Assembly.ShouldBeSameAs(helloAssembly);
    }

    [Fact]
    public void Framework_assemblies_at_an_equal_or_lower_version_are_shared()
    {
        AssemblyName http = typeof(HttpContext).Assembly.GetName();
        AppLoadContext.IsSharedWithHost(http).ShouldBeTrue();
        AppLoadContext.IsSharedWithHost(new AssemblyName(http.Name!) { Version = new Version(1, 0) }).ShouldBeTrue();
        AppLoadContext.IsSharedWithHost(new AssemblyName(http.Name!) { Version = new Version(99, 0) }).ShouldBeFalse();
        AppLoadContext.IsSharedWithHost(new AssemblyName("PrivateLib")).ShouldBeFalse();
    }
}
