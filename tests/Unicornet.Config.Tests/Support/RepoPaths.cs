using System.Runtime.CompilerServices;

namespace Unicornet.Config.Tests.Support;

/// <summary>Paths in the source tree, found from this file's own path (the build output may live elsewhere).</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The built unicornet.dll (src/Unicornet.Cli), looked for beside this test's output.</summary>
    public static string? CliAssembly()
    {
        if (Environment.GetEnvironmentVariable("UNICORNET_CLI_DLL") is { Length: > 0 } explicitPath && File.Exists(explicitPath))
        {
            return explicitPath;
        }

        // artifacts layout: <art>/bin/Unicornet.Config.Tests/<config>/ -> <art>/bin/Unicornet.Cli/<config>/
        string baseDir = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        string config = Path.GetFileName(baseDir);
        string? bin = Path.GetDirectoryName(Path.GetDirectoryName(baseDir));
        // In the default layout, the CLI built with this test's configuration first: a leftover build of
        // the other configuration is stale against this one.
        string own = baseDir.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        string other = own == "Release" ? "Debug" : "Release";
        string[] candidates =
        [
            Path.Combine(bin ?? "", "Unicornet.Cli", config, "unicornet.dll"),
            Path.Combine(Root, "src", "Unicornet.Cli", "bin", own, "net10.0", "unicornet.dll"),
            Path.Combine(Root, "src", "Unicornet.Cli", "bin", other, "net10.0", "unicornet.dll"),
        ];
        return candidates.FirstOrDefault(File.Exists);
    }

    private static string FindRoot([CallerFilePath] string thisFile = "")
    {
        string? dir = Path.GetDirectoryName(thisFile);
        while (dir is not null && !File.Exists(Path.Combine(dir, "unicornet.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return dir ?? throw new InvalidOperationException("cannot find the repository root from " + thisFile);
    }
}
