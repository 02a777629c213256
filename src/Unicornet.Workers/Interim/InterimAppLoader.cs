using System.Reflection;
using System.Runtime.Loader;
using Microsoft.AspNetCore.Http;
using Unicornet.Hosting.AppLoading;

namespace Unicornet.Workers.Interim;

/// <summary>
/// INTERIM: resolves <c>ASSEMBLY:MEMBER</c> when <see cref="AppLoader"/> cannot yet. MEMBER is a
/// type with a static <c>Invoke(HttpContext)</c> returning Task or a static
/// <see cref="RequestDelegate"/> property or field, or <c>Type.Member</c> naming one of those.
/// </summary>
internal static class InterimAppLoader
{
    public static LoadedApp? TryLoad(string appModule, string? chdir)
    {
        int colon = appModule.LastIndexOf(':');
        if (colon <= 0 || colon == appModule.Length - 1)
        {
            return null;
        }

        string assemblyPart = appModule[..colon];
        string member = appModule[(colon + 1)..];
        string? path = FindAssembly(assemblyPart, chdir);
        if (path is null)
        {
            return null;
        }

        string dir = Path.GetDirectoryName(path)!;
        AssemblyLoadContext.Default.Resolving += (ctx, name) =>
        {
            string candidate = Path.Combine(dir, name.Name + ".dll");
            return File.Exists(candidate) ? ctx.LoadFromAssemblyPath(candidate) : null;
        };
        Assembly assembly = AssemblyLoadContext.Default.LoadFromAssemblyPath(path);
        RequestDelegate? handler = FromType(FindType(assembly, member), null);
        if (handler is null)
        {
            int dot = member.LastIndexOf('.');
            if (dot > 0)
            {
                handler = FromType(FindType(assembly, member[..dot]), member[(dot + 1)..]);
            }
        }

        return handler is null ? null : new LoadedApp(appModule, handler);
    }

    private static string? FindAssembly(string part, string? chdir)
    {
        string file = part.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? part : part + ".dll";
        foreach (string? root in new[] { chdir, Directory.GetCurrentDirectory() })
        {
            if (root is null)
            {
                continue;
            }

            string full = Path.GetFullPath(file, root);
            if (File.Exists(full))
            {
                return full;
            }
        }

        return null;
    }

    private static Type? FindType(Assembly assembly, string name) =>
        assembly.GetType(name) ?? assembly.GetTypes().FirstOrDefault(t => t.Name == name || t.FullName == name);

    private static RequestDelegate? FromType(Type? type, string? memberName)
    {
        if (type is null)
        {
            return null;
        }

        const BindingFlags Flags = BindingFlags.Public | BindingFlags.Static;
        foreach (string name in memberName is null ? new[] { "Invoke", "InvokeAsync", "Handler", "App" } : new[] { memberName })
        {
            MethodInfo? method = type.GetMethod(name, Flags, [typeof(HttpContext)]);
            if (method is not null && method.ReturnType == typeof(Task))
            {
                return method.CreateDelegate<RequestDelegate>();
            }

            if (type.GetProperty(name, Flags)?.GetValue(null) is RequestDelegate p)
            {
                return p;
            }

            if (type.GetField(name, Flags)?.GetValue(null) is RequestDelegate f)
            {
                return f;
            }
        }

        return null;
    }
}
