namespace Unicornet.Dirty.Apps;

/// <summary>
/// Finds the file behind the Assembly half of a <c>dirty_apps</c> entry: a path (absolute, or
/// relative to the working directory), or a bare name looked up as <c>NAME.dll</c> in the working
/// directory, its <c>bin/{Release,Debug}/net10.0</c>, and the unicornet directory.
/// </summary>
internal static class AppAssemblyResolver
{
    public static string? Locate(string assembly)
    {
        string cwd = Environment.CurrentDirectory;
        if (assembly.Contains('/', StringComparison.Ordinal) || assembly.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            string full = Path.GetFullPath(assembly, cwd);
            return File.Exists(full) ? full : null;
        }

        string file = assembly + ".dll";
        string[] candidates =
        [
            Path.Combine(cwd, file),
            Path.Combine(cwd, "bin", "Release", "net10.0", file),
            Path.Combine(cwd, "bin", "Debug", "net10.0", file),
            Path.Combine(AppContext.BaseDirectory, file),
        ];
        foreach (string c in candidates)
        {
            if (File.Exists(c))
            {
                return c;
            }
        }

        return null;
    }
}
