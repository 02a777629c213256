namespace Unicornet.IntegrationTests.Support;

/// <summary>Finds the built unicornet and unicornetc assemblies and the repository around the tests.</summary>
internal static class Binaries
{
    public static string RepoRoot { get; } = FindUp(AppContext.BaseDirectory, "unicornet.sln") ?? FindUp(Directory.GetCurrentDirectory(), "unicornet.sln")
        ?? throw new DirectoryNotFoundException("unicornet.sln not found above the tests");

    /// <summary>unicornet.dll: next to the tests (the project reference copies it), else the Cli project's own output.</summary>
    public static string Unicornet => Find("unicornet", "Unicornet.Cli");

    /// <summary>unicornetc.dll.</summary>
    public static string Unicornetc => Find("unicornetc", "Unicornet.Ctl");

    /// <summary>The build configuration the tests were built with (Debug or Release).</summary>
    public static string Configuration { get; } = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";

    private static string Find(string assembly, string project)
    {
        string local = Path.Combine(AppContext.BaseDirectory, assembly + ".dll");
        if (File.Exists(local) && File.Exists(Path.Combine(AppContext.BaseDirectory, assembly + ".runtimeconfig.json")))
        {
            return local;
        }

        string own = Path.Combine(RepoRoot, "src", project, "bin", Configuration, "net10.0", assembly + ".dll");
        if (File.Exists(own))
        {
            return own;
        }

        throw new FileNotFoundException($"{assembly}.dll not found (looked in {AppContext.BaseDirectory} and {own})");
    }

    private static string? FindUp(string start, string marker)
    {
        string? dir = start;
        while (dir is not null)
        {
            if (File.Exists(Path.Combine(dir, marker)))
            {
                return dir;
            }

            dir = Path.GetDirectoryName(dir);
        }

        return null;
    }
}
