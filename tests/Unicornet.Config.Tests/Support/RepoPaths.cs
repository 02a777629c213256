namespace Unicornet.Config.Tests.Support;

/// <summary>Finds the repository root and the shared reference folder beside it, from the test binary's location.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The shared/ folder (a sibling of the clone in CI and on developer machines).</summary>
    public static string Shared
    {
        get
        {
            foreach (string candidate in new[] { Path.Combine(Root, "..", "shared"), Path.Combine(Root, "shared") })
            {
                if (Directory.Exists(candidate))
                {
                    return Path.GetFullPath(candidate);
                }
            }

            throw new DirectoryNotFoundException($"shared/ not found next to {Root}");
        }
    }

    private static string FindRoot()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null)
        {
            if (File.Exists(Path.Combine(dir, "unicornet.sln")))
            {
                return dir;
            }

            dir = Path.GetDirectoryName(dir);
        }

        // Built with --artifacts-path outside the tree: fall back to the working directory's ancestors.
        dir = Directory.GetCurrentDirectory();
        while (dir is not null)
        {
            if (File.Exists(Path.Combine(dir, "unicornet.sln")))
            {
                return dir;
            }

            dir = Path.GetDirectoryName(dir);
        }

        throw new DirectoryNotFoundException("unicornet.sln not found above the test binaries");
    }
}
