using System.Reflection;
using System.Runtime.Loader;

namespace Unicornet.Config.Script;

/// <summary>
/// The collectible load context a compiled config lives in, so a reload (HUP) can drop the old one.
/// Assemblies the script <c>#r</c>'d load here from their paths; everything else (unicornet's own
/// object model included) comes from the default context, as roslyn#72366 requires.
/// </summary>
internal sealed class ScriptLoadContext : AssemblyLoadContext
{
    private readonly IReadOnlyList<string> _references;
    private Dictionary<string, string>? _byName;

    public ScriptLoadContext(string name, IReadOnlyList<string> references)
        : base(name, isCollectible: true)
    {
        _references = references;
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (_references.Count == 0 || assemblyName.Name is null)
        {
            return null;
        }

        _byName ??= IndexReferences(_references);
        return _byName.TryGetValue(assemblyName.Name, out string? path) ? LoadFromAssemblyPath(path) : null;
    }

    private static Dictionary<string, string> IndexReferences(IReadOnlyList<string> references)
    {
        var byName = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string path in references)
        {
            try
            {
                if (AssemblyName.GetAssemblyName(path).Name is { } name)
                {
                    byName.TryAdd(name, path);
                }
            }
            catch (Exception e) when (e is IOException or BadImageFormatException)
            {
                // not loadable; the script will fail with a clear TypeLoad/FileNotFound error
            }
        }

        return byName;
    }
}
