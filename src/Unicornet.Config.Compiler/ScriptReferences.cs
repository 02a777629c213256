using System.Net.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.CodeAnalysis;

namespace Unicornet.Config.Compiler;

/// <summary>
/// The assemblies a config script compiles against: the runtime's System.* assemblies, unicornet's
/// object model and what its hook types expose (ASP.NET Core's HttpContext, SslServerAuthenticationOptions).
/// </summary>
internal static class ScriptReferences
{
    /// <summary>Namespaces every script imports.</summary>
    public static readonly string[] Imports =
    [
        "System",
        "System.IO",
        "System.Linq",
        "System.Collections.Generic",
        "System.Net",
        "System.Net.Security",
        "System.Threading",
        "System.Threading.Tasks",
        "Unicornet",
    ];

    private static readonly string[] s_aspNetPrefixes =
    [
        "Microsoft.AspNetCore.Http",
        "Microsoft.Extensions.Primitives",
        "Microsoft.Extensions.Features",
        "Microsoft.Net.Http.Headers",
    ];

    public static IReadOnlyList<MetadataReference> Build()
    {
        var paths = new SortedSet<string>(StringComparer.Ordinal);
        if (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is string tpa)
        {
            foreach (string path in tpa.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                string name = Path.GetFileNameWithoutExtension(path);
                if (Wanted(name))
                {
                    paths.Add(path);
                }
            }
        }

        // Whatever the host's TPA list says, these must be there.
        paths.Add(typeof(object).Assembly.Location);
        paths.Add(typeof(ConfigScriptGlobals).Assembly.Location);
        paths.Add(typeof(HttpContext).Assembly.Location);
        paths.Add(typeof(SslServerAuthenticationOptions).Assembly.Location);
        return paths.Where(p => p.Length > 0 && File.Exists(p)).Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToArray();
    }

    private static bool Wanted(string name)
    {
        if (name is "netstandard" or "mscorlib" or "System" || name.StartsWith("System.", StringComparison.Ordinal))
        {
            // System.Private.* are implementation details behind the public facades (CoreLib is added above).
            return !name.StartsWith("System.Private.", StringComparison.Ordinal);
        }

        foreach (string prefix in s_aspNetPrefixes)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
