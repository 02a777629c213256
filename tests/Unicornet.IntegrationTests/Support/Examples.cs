namespace Unicornet.IntegrationTests.Support;

/// <summary>Paths of the built example apps (built by the solution in the tests' configuration).</summary>
internal static class Examples
{
    public static string Dll(string project) =>
        Path.Combine(Binaries.RepoRoot, "examples", project, "bin", Binaries.Configuration, "net10.0", project + ".dll");

    public static string TestApp =>
        Path.Combine(Binaries.RepoRoot, "tests", "TestApps", "Unicornet.TestApp", "bin", Binaries.Configuration, "net10.0", "Unicornet.TestApp.dll");
}
