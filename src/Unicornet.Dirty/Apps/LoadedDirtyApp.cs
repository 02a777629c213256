using System.Reflection;
using System.Runtime.Loader;

namespace Unicornet.Dirty.Apps;

/// <summary>A dirty app instance in a dirty worker, with its actions indexed by name.</summary>
internal sealed class LoadedDirtyApp
{
    private readonly Dictionary<string, ActionMethod[]> _actions;

    private LoadedDirtyApp(DirtyAppSpec spec, DirtyApp instance)
    {
        Spec = spec;
        Instance = instance;
        _actions = instance.GetType()
            .GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => !m.IsSpecialName && !m.IsGenericMethodDefinition && !m.Name.StartsWith('_')
                && m.GetBaseDefinition().DeclaringType is { } d && d != typeof(DirtyApp) && d != typeof(object) && typeof(DirtyApp).IsAssignableFrom(d))
            .GroupBy(m => m.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(m => new ActionMethod(m)).OrderBy(a => a.ValueParameters).ToArray(), StringComparer.Ordinal);
    }

    public DirtyAppSpec Spec { get; }

    public DirtyApp Instance { get; }

    public IEnumerable<string> ActionNames => _actions.Keys;

    /// <summary>Loads the app's assembly into the default load context and creates the instance.</summary>
    public static LoadedDirtyApp Load(DirtyAppSpec spec)
    {
        string path = AppAssemblyResolver.Locate(spec.Assembly)
            ?? throw new FileNotFoundException($"dirty app assembly '{spec.Assembly}' was not found (looked in {Environment.CurrentDirectory})");
        Assembly assembly = LoadAssembly(path);
        Type type = assembly.GetType(spec.TypeName, throwOnError: false)
            ?? throw new TypeLoadException($"type '{spec.TypeName}' was not found in {path}");
        if (!typeof(DirtyApp).IsAssignableFrom(type) || type.IsAbstract)
        {
            throw new TypeLoadException($"'{spec.TypeName}' is not a concrete subclass of Unicornet.DirtyApp");
        }

        var instance = (DirtyApp)Activator.CreateInstance(type)!;
        return new LoadedDirtyApp(spec, instance);
    }

    /// <summary>The overload of <paramref name="name"/> that takes these arguments, or null.</summary>
    public ActionMethod? Find(string name, int positional, IReadOnlyDictionary<string, object?>? named)
    {
        if (name.StartsWith('_') || !_actions.TryGetValue(name, out ActionMethod[]? overloads))
        {
            return null;
        }

        foreach (ActionMethod m in overloads)
        {
            if (m.Accepts(positional, named))
            {
                return m;
            }
        }

        return null;
    }

    public bool HasAction(string name) => !name.StartsWith('_') && _actions.ContainsKey(name);

    private static Assembly LoadAssembly(string path)
    {
        string full = Path.GetFullPath(path);
        foreach (Assembly loaded in AssemblyLoadContext.Default.Assemblies)
        {
            if (!loaded.IsDynamic && string.Equals(loaded.Location, full, StringComparison.Ordinal))
            {
                return loaded;
            }
        }

        // Dependencies the app ships next to itself (its deps.json) resolve from there; unicornet's
        // own assemblies and the framework come from the default context, so DirtyApp is one type.
        var resolver = new AssemblyDependencyResolver(full);
        AssemblyLoadContext.Default.Resolving += (context, name) =>
        {
            string? dep = resolver.ResolveAssemblyToPath(name);
            return dep is null ? null : context.LoadFromAssemblyPath(dep);
        };
        AssemblyLoadContext.Default.ResolvingUnmanagedDll += (_, name) =>
        {
            string? lib = resolver.ResolveUnmanagedDllToPath(name);
            return lib is null ? IntPtr.Zero : System.Runtime.InteropServices.NativeLibrary.Load(lib);
        };
        try
        {
            return AssemblyLoadContext.Default.LoadFromAssemblyName(AssemblyName.GetAssemblyName(full));
        }
        catch (FileNotFoundException)
        {
            return AssemblyLoadContext.Default.LoadFromAssemblyPath(full);
        }
    }
}
