using Unicornet.Hosting.AppLoading;
using Unicornet.Hosting.Tests.Support;

namespace Unicornet.Hosting.Tests;

public sealed class AppLoaderTests
{
    private const string Self = "Unicornet.Hosting.Tests";

    private static readonly AppLoadOptions s_options = new() { SetProcessGlobals = false };

    private static LoadedApp Load(string module, string? chdir = null, IReadOnlyList<string>? searchPath = null) =>
        AppLoader.Load(module, chdir, searchPath, s_options);

    private static async Task<string> Get(LoadedApp app, string path = "/")
    {
        TestResponse response = await FakeServer.SendAsync(app.Handler, "GET", path);
        response.Error.ShouldBeNull();
        return response.Body;
    }

    [Fact]
    public async Task Static_field_by_assembly_path()
    {
        LoadedApp app = Load(Examples.PathOf("HelloApp") + ":App");
        (await Get(app)).ShouldBe("Hello, World!");
        (await Get(app, "/big")).Length.ShouldBe(100 * 1024);
        app.IsAspNetCoreHost.ShouldBeFalse();
    }

    [Fact]
    public async Task Name_is_found_in_the_search_path()
    {
        LoadedApp app = Load("HelloApp:App", searchPath: ["/nonexistent", Examples.DirOf("HelloApp")]);
        (await Get(app)).ShouldBe("Hello, World!");
    }

    [Fact]
    public async Task Comma_separated_pythonpath_entry_is_split()
    {
        LoadedApp app = Load("HelloApp:App", searchPath: ["/nonexistent," + Examples.DirOf("HelloApp")]);
        (await Get(app)).ShouldBe("Hello, World!");
    }

    [Fact]
    public async Task Name_is_found_under_a_project_folders_build_output()
    {
        string root = Directory.CreateTempSubdirectory("unicornet-hosting-").FullName;
        try
        {
            string output = Path.Combine(root, "HelloApp", "bin", "Release", "net10.0");
            Directory.CreateDirectory(output);
            foreach (string file in Directory.GetFiles(Examples.DirOf("HelloApp"), "HelloApp.*"))
            {
                File.Copy(file, Path.Combine(output, Path.GetFileName(file)));
            }

            LoadedApp byName = Load("HelloApp:create_app('Project')", chdir: root);
            (await Get(byName)).ShouldBe("Project, World!");

            LoadedApp byFolder = Load(Path.Combine(root, "HelloApp") + ":App");
            (await Get(byFolder)).ShouldBe("Hello, World!");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Theory]
    [InlineData("HelloApp:Hello.App", "Hello, World!")]
    [InlineData("HelloApp:HelloApp.Hello.App", "Hello, World!")]
    [InlineData("HelloApp:create_app(\"Hi\")", "Hi, World!")]
    [InlineData("HelloApp:create_app('Howdy')", "Howdy, World!")]
    [InlineData("HelloApp:create_app(greeting=\"Yo\")", "Yo, World!")]
    [InlineData("HelloApp:Hello.create_app( \"Spaced\" )", "Spaced, World!")]
    [InlineData("HelloApp:EchoApp", "echo /")]
    [InlineData("HelloApp:HelloApp.EchoApp", "echo /")]
    public async Task Member_forms_of_the_hello_app(string member, string expected)
    {
        LoadedApp app = Load(member, searchPath: [Examples.DirOf("HelloApp")]);
        (await Get(app)).ShouldBe(expected);
    }

    [Fact]
    public async Task Middleware_type_gets_a_terminal_404_as_next()
    {
        LoadedApp app = Load("HelloApp:EchoApp", searchPath: [Examples.DirOf("HelloApp")]);
        TestResponse response = await FakeServer.SendAsync(app.Handler, "GET", "/missing");
        response.Status.ShouldBe(404);
    }

    [Theory]
    [InlineData("FuncApp", "func")]
    [InlineData("PropertyApp", "property")]
    [InlineData("Handle", "method")]
    [InlineData("NoArgs", "no-args")]
    [InlineData("NoArgs()", "no-args")]
    [InlineData("TestApps.Make(7, true)", "7|True|null|1.5")]
    [InlineData("Make(-3, False, 'x', 2.25)", "-3|False|x|2.25")]
    [InlineData("Make(1, flag=true, ratio=3)", "1|True|null|3")]
    [InlineData("Make(1, true, None)", "1|True|null|1.5")]
    [InlineData("PlainMiddleware", "plain middleware")]
    [InlineData("Middleware()", "plain middleware")]
    [InlineData("Unicornet.Hosting.Tests.Apps.TestApps.FuncApp", "func")]
    public async Task Member_forms(string member, string expected)
    {
        LoadedApp app = Load(Self + ":" + member);
        (await Get(app)).ShouldBe(expected);
    }

    [Theory]
    [InlineData("HelloApp:Nope", "Failed to find attribute 'Nope' in 'HelloApp'.")]
    [InlineData("HelloApp:Hello.Nope", "Failed to find attribute 'Hello.Nope' in 'HelloApp'.")]
    [InlineData("HelloApp:create_app(", "Failed to parse 'create_app(' as an attribute name or function call.")]
    [InlineData("HelloApp:create_app)", "Failed to parse 'create_app)' as an attribute name or function call.")]
    [InlineData("HelloApp:9lives", "Failed to parse '9lives' as an attribute name or function call.")]
    [InlineData("HelloApp:create_app(oops)", "Failed to parse arguments of 'create_app(oops)' as literal values: 'oops' is not a string, number, bool or null.")]
    [InlineData("HelloApp:create_app(\"x)", "Failed to parse arguments of 'create_app(\"x)' as literal values: unterminated string.")]
    [InlineData("HelloApp:create_app(greeting='a', 'b')", "Failed to parse arguments of 'create_app(greeting='a', 'b')': a positional argument follows a keyword argument.")]
    [InlineData("HelloApp:create_app", "'HelloApp:create_app' is a method that takes arguments; call it with literal arguments, e.g. 'HelloApp:create_app(...)'.")]
    [InlineData("HelloApp:create_app(42)", "Failed to call 'HelloApp:create_app(42)': argument 42 does not fit parameter 'greeting' (String) of create_app.")]
    [InlineData("HelloApp:create_app()", "Failed to call 'HelloApp:create_app()': create_app is missing a value for parameter 'greeting'.")]
    [InlineData("HelloApp:create_app('a', 'b')", "Failed to call 'HelloApp:create_app('a', 'b')': create_app takes 1 argument(s) but 2 were given.")]
    [InlineData("HelloApp:create_app(name='a')", "Failed to call 'HelloApp:create_app(name='a')': create_app has no parameter named 'name'.")]
    [InlineData("HelloApp:App()", "'HelloApp:App()' calls a field, which is not a method.")]
    [InlineData("HelloApp:Hello", "'HelloApp:Hello' is a static class, not an app; name one of its members ('Hello.MEMBER').")]
    [InlineData("HelloApp:EchoApp()", "'HelloApp:EchoApp()' calls a type; name a static factory method instead (e.g. 'EchoApp.Create()').")]
    [InlineData("HelloApp", "'HelloApp' has no entry point; name the app inside it as 'HelloApp:MEMBER'.")]
    [InlineData("HelloApp:", "'HelloApp:' names no member after ':'; use ASSEMBLY:MEMBER or just ASSEMBLY for an app with an entry point.")]
    [InlineData(":App", "':App' names no assembly; use ASSEMBLY:MEMBER, e.g. 'MyApp:App'.")]
    [InlineData("  ", "No application module specified.")]
    public void Error_messages_for_the_hello_app(string module, string message)
    {
        AppLoadException ex = Should.Throw<AppLoadException>(() => Load(module, searchPath: [Examples.DirOf("HelloApp")]));
        ex.Message.ShouldBe(message);
    }

    [Theory]
    [InlineData("Text", "'Unicornet.Hosting.Tests:Text' is a string, not an app.")]
    [InlineData("Nothing", "'Unicornet.Hosting.Tests:Nothing' is null, not an app.")]
    [InlineData("Number", "'Unicornet.Hosting.Tests:Number' is a System.Int32, not an app.")]
    [InlineData("WrongDelegate", "'Unicornet.Hosting.Tests:WrongDelegate' is a delegate of type Action`1, not an app (an app is a RequestDelegate or Func<HttpContext, Task>).")]
    [InlineData("AbstractApp", "'Unicornet.Hosting.Tests:AbstractApp' is an abstract type, not an app.")]
    [InlineData("Explode()", "Error while evaluating 'Unicornet.Hosting.Tests:Explode()': System.InvalidOperationException: factory exploded")]
    [InlineData("Prebuilt()", "'Unicornet.Hosting.Tests:Prebuilt()' returned a host built before unicornet could capture it; return the builder, or build the host inside the factory.")]
    public void Error_messages_for_values_that_are_not_apps(string member, string message)
    {
        AppLoadException ex = Should.Throw<AppLoadException>(() => Load(Self + ":" + member));
        ex.Message.ShouldBe(message);
    }

    [Fact]
    public void Ambiguous_simple_name_lists_the_candidates()
    {
        AppLoadException ex = Should.Throw<AppLoadException>(() => Load(Self + ":Dup"));
        ex.Message.ShouldStartWith("Attribute 'Dup' in 'Unicornet.Hosting.Tests' is ambiguous (");
        ex.Message.ShouldContain("Unicornet.Hosting.Tests.Apps.Ambiguous1.Dup");
        ex.Message.ShouldContain("Unicornet.Hosting.Tests.Apps.Ambiguous2.Dup");
    }

    [Fact]
    public void Missing_assembly_names_the_directories_searched()
    {
        string dir = Examples.DirOf("HelloApp");
        AppLoadException ex = Should.Throw<AppLoadException>(() => Load("NoSuchApp:App", searchPath: [dir]));
        ex.Message.ShouldStartWith("Failed to load assembly 'NoSuchApp': file not found in ");
        ex.Message.ShouldContain(dir);
        ex.Message.ShouldContain(Environment.CurrentDirectory);
    }

    [Fact]
    public void Missing_assembly_path_is_reported()
    {
        AppLoadException ex = Should.Throw<AppLoadException>(() => Load("/nonexistent/dir/MyApp.dll:App"));
        ex.Message.ShouldStartWith("Failed to load assembly '/nonexistent/dir/MyApp.dll': file not found in /nonexistent/dir/MyApp.dll (chdir: unset, pythonpath: unset); expected ");
        ex.Message.ShouldNotContain("\n");
    }

    [Fact]
    public void A_file_that_is_not_an_assembly_is_reported()
    {
        string file = Path.Combine(Path.GetTempPath(), $"unicornet-not-an-assembly-{Guid.NewGuid():N}.dll");
        File.WriteAllText(file, "this is not a PE file");
        try
        {
            AppLoadException ex = Should.Throw<AppLoadException>(() => Load(file + ":App"));
            ex.Message.ShouldStartWith($"Failed to load assembly '{file}': '{file}' is not a .NET assembly");
        }
        finally
        {
            File.Delete(file);
        }
    }
}
