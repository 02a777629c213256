using System.Reflection;
using System.Runtime.Loader;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Unicornet.Hosting.Capture;

namespace Unicornet.Hosting.AppLoading;

/// <summary>
/// Resolves APP_MODULE (<c>ASSEMBLY:MEMBER</c>, gunicorn's <c>module:variable</c>) to a request
/// delegate. ASSEMBLY is a path to a .dll or a name searched in chdir, the working directory and the
/// <c>pythonpath</c> directories. MEMBER is a static field, property or method, a type (a middleware
/// class with <c>InvokeAsync(HttpContext)</c>), or a factory call with literal arguments. Without
/// MEMBER, the assembly's entry point is run as an unmodified ASP.NET Core app and its host captured.
/// </summary>
public static class AppLoader
{
    /// <summary>
    /// Loads <paramref name="appModule"/> searching the working directory, <paramref name="chdir"/>
    /// and <paramref name="searchPath"/> (the <c>pythonpath</c> setting). Throws <see cref="AppLoadException"/>.
    /// </summary>
    public static LoadedApp Load(string appModule, string? chdir = null, IReadOnlyList<string>? searchPath = null) =>
        Load(appModule, chdir, searchPath, AppLoadOptions.Default);

    /// <summary>Loads <paramref name="appModule"/> with explicit <paramref name="options"/>.</summary>
    public static LoadedApp Load(string appModule, string? chdir, IReadOnlyList<string>? searchPath, AppLoadOptions options)
    {
        string reference = appModule?.Trim() ?? "";
        if (reference.Length == 0)
        {
            throw new AppLoadException("No application module specified.");
        }

        int colon = reference.IndexOf(':', StringComparison.Ordinal);
        string assemblyText = (colon < 0 ? reference : reference[..colon]).Trim();
        string? memberText = colon < 0 ? null : reference[(colon + 1)..].Trim();
        if (assemblyText.Length == 0)
        {
            throw new AppLoadException($"'{reference}' names no assembly; use ASSEMBLY:MEMBER, e.g. 'MyApp:App'.");
        }

        if (memberText is { Length: 0 })
        {
            throw new AppLoadException($"'{reference}' names no member after ':'; use ASSEMBLY:MEMBER or just ASSEMBLY for an app with an entry point.");
        }

        MemberExpression? member = memberText is null ? null : MemberExpression.Parse(memberText);
        string label = AppAssemblyLocator.LooksLikePath(assemblyText) ? Path.GetFileNameWithoutExtension(assemblyText) : assemblyText;
        (Assembly assembly, AssemblyLoadContext alc) = LoadAssembly(assemblyText, chdir, searchPath);

        if (options.SetProcessGlobals)
        {
            // GetEntryAssembly() picks ApplicationName (MVC application parts, user secrets), and
            // AppContext.BaseDirectory is where apps look for files shipped next to their dll.
            Assembly.SetEntryAssembly(assembly);
            if (!string.IsNullOrEmpty(assembly.Location))
            {
                AppContext.SetData("APP_CONTEXT_BASE_DIRECTORY", Path.GetDirectoryName(assembly.Location) + Path.DirectorySeparatorChar);
            }
        }

        var capture = new HostCapture(options);
        using AssemblyLoadContext.ContextualReflectionScope reflectionScope = alc.EnterContextualReflection();
        using IDisposable activation = capture.Activate();
        if (member is null)
        {
            return RunEntryPoint(reference, label, assembly, alc, capture, options) with { LoadContext = alc };
        }

        object? value = MemberResolver.Evaluate(assembly, label, memberText!, member);
        return Adapt(reference, value, capture, options) with { LoadContext = alc };
    }

    /// <summary>
    /// Checks, without loading anything, that the ASSEMBLY half of <paramref name="appModule"/> names
    /// a file, so the master can refuse before it binds and forks. A bare name that matches no file
    /// passes: it may name an assembly the worker has loaded itself, and the worker reports it.
    /// Throws <see cref="AppLoadException"/> with the one line a worker would log.
    /// </summary>
    public static void EnsureAssemblyFile(string appModule, string? chdir, IReadOnlyList<string>? searchPath)
    {
        ArgumentNullException.ThrowIfNull(appModule);
        string reference = appModule.Trim();
        int colon = reference.IndexOf(':', StringComparison.Ordinal);
        string assemblyText = (colon < 0 ? reference : reference[..colon]).Trim();
        if (assemblyText.Length == 0 || !AppAssemblyLocator.LooksLikePath(assemblyText))
        {
            return;
        }

        if (AppAssemblyLocator.Locate(assemblyText, chdir, searchPath, out IReadOnlyList<string> searched) is null)
        {
            throw NotFound(assemblyText, chdir, searchPath, searched);
        }
    }

    private static AppLoadException NotFound(string assemblyText, string? chdir, IReadOnlyList<string>? searchPath, IReadOnlyList<string> searched)
    {
        string pythonpath = searchPath is { Count: > 0 } ? string.Join(",", searchPath) : "unset";
        string expected = AppAssemblyLocator.LooksLikePath(assemblyText)
            ? "expected a built .NET assembly at that path (for example bin/Release/net10.0/MyApp.dll)"
            : $"expected {assemblyText}.dll in one of them, or in its {assemblyText}/ or bin/Release|Debug/net10.0/ folder";
        return new AppLoadException(
            $"Failed to load assembly '{assemblyText}': file not found in {string.Join(", ", searched)} (chdir: {chdir ?? "unset"}, pythonpath: {pythonpath}); {expected}.");
    }

    private static (Assembly Assembly, AssemblyLoadContext Context) LoadAssembly(string assemblyText, string? chdir, IReadOnlyList<string>? searchPath)
    {
        string? path = AppAssemblyLocator.Locate(assemblyText, chdir, searchPath, out IReadOnlyList<string> searched);
        if (path is null)
        {
            if (!AppAssemblyLocator.LooksLikePath(assemblyText))
            {
                // Like a module already in sys.modules: an assembly the process loaded itself.
                foreach (Assembly loaded in AssemblyLoadContext.Default.Assemblies)
                {
                    if (string.Equals(loaded.GetName().Name, assemblyText, StringComparison.Ordinal))
                    {
                        return (loaded, AssemblyLoadContext.Default);
                    }
                }
            }

            throw NotFound(assemblyText, chdir, searchPath, searched);
        }

        try
        {
            AppLoadContext alc = AppLoadContext.For(path);
            return (alc.LoadMain(), alc);
        }
        catch (BadImageFormatException ex)
        {
            throw new AppLoadException($"Failed to load assembly '{assemblyText}': '{path}' is not a .NET assembly ({ex.Message}).", ex);
        }
        catch (FileLoadException ex)
        {
            throw new AppLoadException($"Failed to load assembly '{assemblyText}' from '{path}': {ex.Message}", ex);
        }
    }

    private static LoadedApp RunEntryPoint(string reference, string label, Assembly assembly, AssemblyLoadContext alc, HostCapture capture, AppLoadOptions options)
    {
        MethodInfo entryPoint = assembly.EntryPoint
            ?? throw new AppLoadException($"'{label}' has no entry point; name the app inside it as '{label}:MEMBER'.");

        var args = new List<string>(options.AppArguments);
        string appDir = string.IsNullOrEmpty(assembly.Location) ? Environment.CurrentDirectory : Path.GetDirectoryName(assembly.Location)!;
        if (!HasArgument(args, "contentRoot") && !HasEnvironment("CONTENTROOT"))
        {
            args.Add("--contentRoot");
            args.Add(appDir);
        }

        if (!HasArgument(args, "applicationName") && !HasEnvironment("APPLICATIONNAME"))
        {
            args.Add("--applicationName");
            args.Add(assembly.GetName().Name!);
        }

        CapturedHost run = CapturedHost.RunEntryPoint(capture, alc, entryPoint, [.. args], label, options.StartupTimeout);
        return Finish(reference, run, options);
    }

    private static LoadedApp Adapt(string reference, object? value, HostCapture capture, AppLoadOptions options)
    {
        switch (value)
        {
            case null:
                throw new AppLoadException($"'{reference}' is null, not an app.");
            case string:
                throw new AppLoadException($"'{reference}' is a string, not an app.");
            case RequestDelegate handler:
                return Plain(reference, handler);
            case Func<HttpContext, Task> func:
                return Plain(reference, new RequestDelegate(func));
            case Delegate other:
                throw new AppLoadException($"'{reference}' is a delegate of type {other.GetType().Name}, not an app (an app is a RequestDelegate or Func<HttpContext, Task>).");
            case Type type:
                return Plain(reference, MiddlewareApp.FromType(type, reference));
            case IHost host:
                if (!capture.Built(host.Services))
                {
                    throw new AppLoadException($"'{reference}' returned a host built before unicornet could capture it; return the builder, or build the host inside the factory.");
                }

                return Finish(reference, CapturedHost.StartHost(capture, host, reference, options.StartupTimeout), options);
        }

        Type valueType = value.GetType();
        MethodInfo? build = valueType.GetMethod("Build", BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes);
        if (build is not null && typeof(IHost).IsAssignableFrom(build.ReturnType))
        {
            object? built = InvokeBuild(build, value, reference);
            return Adapt(reference, built, capture, options);
        }

        if (build is not null && build.ReturnType == typeof(RequestDelegate))
        {
            return Plain(reference, (RequestDelegate)InvokeBuild(build, value, reference)!);
        }

        RequestDelegate? instanceHandler = MiddlewareApp.FromInstance(value);
        if (instanceHandler is not null)
        {
            return Plain(reference, instanceHandler);
        }

        throw new AppLoadException($"'{reference}' is a {valueType.FullName}, not an app.");
    }

    private static object? InvokeBuild(MethodInfo build, object builder, string reference)
    {
        try
        {
            return build.Invoke(builder, null);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            Exception inner = MemberResolver.Unwrap(ex);
            throw new AppLoadException($"'{reference}' failed to build: {inner.GetType().FullName}: {inner.Message}", inner);
        }
    }

    private static LoadedApp Plain(string reference, RequestDelegate handler) => new(reference, handler);

    private static LoadedApp Finish(string reference, CapturedHost run, AppLoadOptions options)
    {
        bool kestrel = options.ConfigureKestrelHost is not null;
        run.WaitUntil(started: !kestrel);
        Func<Task> dispose = () => run.StopAsync(options.StopTimeout);
        RequestDelegate handler = kestrel ? NotBridged : run.Bridge();
        return new LoadedApp(reference, handler, dispose) { Captured = run };
    }

    private static Task NotBridged(HttpContext context)
    {
        // Kestrel serves a captured app itself; this delegate is never on the request path.
        context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        return Task.CompletedTask;
    }

    private static bool HasArgument(List<string> args, string name)
    {
        foreach (string arg in args)
        {
            string trimmed = arg.TrimStart('-', '/');
            if (trimmed.StartsWith(name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasEnvironment(string suffix) =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_" + suffix))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOTNET_" + suffix));
}
