using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Loader;

namespace Unicornet.Hosting.AppLoading;

/// <summary>
/// The load context of one app assembly. Framework assemblies (and everything else the unicornet
/// process already ships at a version at least as new) come from the default context, so the app and
/// unicornet share one copy of every type they exchange (IServer, IHostBuilder, DiagnosticListener);
/// the app's own NuGet and project dependencies resolve privately through its .deps.json.
/// </summary>
internal sealed class AppLoadContext : AssemblyLoadContext
{
    private static readonly ConcurrentDictionary<string, AppLoadContext> s_byPath = new(StringComparer.Ordinal);
    private static readonly Lazy<Dictionary<string, string>> s_trusted = new(ReadTrustedPlatformAssemblies);
    private static readonly ConcurrentDictionary<string, Version?> s_trustedVersions = new(StringComparer.OrdinalIgnoreCase);

    private readonly AssemblyDependencyResolver _resolver;

    private AppLoadContext(string mainAssemblyPath)
        : base("unicornet-app:" + Path.GetFileNameWithoutExtension(mainAssemblyPath), isCollectible: false)
    {
        MainAssemblyPath = mainAssemblyPath;
        _resolver = new AssemblyDependencyResolver(mainAssemblyPath);
    }

    /// <summary>The app's main assembly file.</summary>
    public string MainAssemblyPath { get; }

    /// <summary>
    /// One context per app file for the life of the process: loading the same file twice must give
    /// the same types (a non-collectible context cannot be unloaded; a reload is a new process).
    /// </summary>
    public static AppLoadContext For(string mainAssemblyPath) =>
        s_byPath.GetOrAdd(Path.GetFullPath(mainAssemblyPath), static path => new AppLoadContext(path));

    /// <summary>Loads the main assembly.</summary>
    public Assembly LoadMain() => LoadFromAssemblyPath(MainAssemblyPath);

    /// <inheritdoc />
    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (IsSharedWithHost(assemblyName))
        {
            return null;
        }

        string? path = _resolver.ResolveAssemblyToPath(assemblyName);
        return path is null ? null : LoadFromAssemblyPath(path);
    }

    /// <inheritdoc />
    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        string? path = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }

    internal static bool IsSharedWithHost(AssemblyName requested)
    {
        if (requested.Name is null || !s_trusted.Value.TryGetValue(requested.Name, out string? path))
        {
            return false;
        }

        // The version comes from the default context's copy, not from AssemblyName.GetAssemblyName(path): that reads
        // the file with System.Reflection.Metadata, ~1.1 MB of image pages mapped in every worker for this alone
        // (issue 15). When the answer is "shared" the default context loads that copy anyway.
        Version? available = s_trustedVersions.GetOrAdd(path, static (_, name) =>
        {
            try
            {
                return Default.LoadFromAssemblyName(new AssemblyName(name)).GetName().Version;
            }
            catch (Exception ex) when (ex is IOException or BadImageFormatException)
            {
                return null;
            }
        }, requested.Name);
        return available is not null && (requested.Version is null || available >= requested.Version);
    }

    private static Dictionary<string, string> ReadTrustedPlatformAssemblies()
    {
        var byName = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is string list)
        {
            foreach (string path in list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                byName.TryAdd(Path.GetFileNameWithoutExtension(path), path);
            }
        }

        return byName;
    }
}
