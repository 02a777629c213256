namespace Unicornet.Hosting.AppLoading;

/// <summary>
/// Finds the file behind the ASSEMBLY half of APP_MODULE: a path to a .dll (or to a project folder),
/// or a bare name searched in chdir, the working directory and the <c>pythonpath</c> directories.
/// </summary>
internal static class AppAssemblyLocator
{
    private static readonly string[] s_buildOutputs =
    [
        Path.Combine("bin", "Release", "net10.0"),
        Path.Combine("bin", "Debug", "net10.0"),
    ];

    /// <summary>Whether the text names a file system path rather than an assembly name.</summary>
    public static bool LooksLikePath(string assembly) =>
        assembly.Contains('/', StringComparison.Ordinal)
        || assembly.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
        || assembly.EndsWith(".exe", StringComparison.OrdinalIgnoreCase);

    /// <summary>The directories searched for a bare name, in order, without duplicates.</summary>
    public static List<string> SearchDirectories(string? chdir, IReadOnlyList<string>? searchPath)
    {
        var dirs = new List<string>();
        void Add(string? dir)
        {
            if (string.IsNullOrWhiteSpace(dir))
            {
                return;
            }

            string full = Path.GetFullPath(dir.Trim(), chdir is null ? Environment.CurrentDirectory : Path.GetFullPath(chdir));
            if (!dirs.Contains(full, StringComparer.Ordinal))
            {
                dirs.Add(full);
            }
        }

        Add(chdir);
        Add(Environment.CurrentDirectory);
        if (searchPath is not null)
        {
            foreach (string entry in searchPath)
            {
                // pythonpath is one comma-separated setting; accept it unsplit as well.
                foreach (string dir in entry.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    Add(dir);
                }
            }
        }

        return dirs;
    }

    /// <summary>The full path of the assembly, or null when nothing matches.</summary>
    public static string? Locate(string assembly, string? chdir, IReadOnlyList<string>? searchPath, out IReadOnlyList<string> searched)
    {
        if (LooksLikePath(assembly))
        {
            string baseDir = chdir is null ? Environment.CurrentDirectory : Path.GetFullPath(chdir);
            string full = Path.GetFullPath(assembly, baseDir);
            searched = [full];
            if (File.Exists(full))
            {
                return full;
            }

            return Directory.Exists(full) ? InProjectFolder(full, Path.GetFileName(full.TrimEnd('/'))) : null;
        }

        List<string> dirs = SearchDirectories(chdir, searchPath);
        searched = dirs;
        string fileName = assembly + ".dll";
        foreach (string dir in dirs)
        {
            string direct = Path.Combine(dir, fileName);
            if (File.Exists(direct))
            {
                return direct;
            }

            string? found = InProjectFolder(Path.Combine(dir, assembly), assembly) ?? InBuildOutputs(dir, fileName);
            if (found is not null)
            {
                return found;
            }
        }

        return null;
    }

    private static string? InProjectFolder(string folder, string name)
    {
        if (!Directory.Exists(folder))
        {
            return null;
        }

        string fileName = name + ".dll";
        string direct = Path.Combine(folder, fileName);
        return File.Exists(direct) ? direct : InBuildOutputs(folder, fileName);
    }

    private static string? InBuildOutputs(string folder, string fileName)
    {
        foreach (string output in s_buildOutputs)
        {
            string candidate = Path.Combine(folder, output, fileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
