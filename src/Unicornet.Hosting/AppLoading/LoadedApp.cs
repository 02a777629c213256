using System.Runtime.Loader;
using Microsoft.AspNetCore.Http;
using Unicornet.Hosting.Capture;

namespace Unicornet.Hosting.AppLoading;

/// <summary>An app ready to serve: a request delegate, plus what to dispose at worker exit.</summary>
/// <param name="Reference">The APP_MODULE text it was loaded from.</param>
/// <param name="Handler">The request pipeline.</param>
/// <param name="Dispose">Stops the app (for ASP.NET Core hosts: the host's StopAsync).</param>
public sealed record LoadedApp(string Reference, RequestDelegate Handler, Func<Task>? Dispose = null)
{
    /// <summary>Whether this is a captured ASP.NET Core host (entry point, WebApplication, IHost or builder).</summary>
    public bool IsAspNetCoreHost => Captured is not null;

    /// <summary>
    /// The app's load context. Framework code that loads the app by name (Assembly.Load) needs
    /// <c>LoadContext.EnterContextualReflection()</c> on the flow it runs on; loading did that for the
    /// entry point, but request threads that do not flow ExecutionContext start without it.
    /// </summary>
    public AssemblyLoadContext? LoadContext { get; init; }

    /// <summary>The captured host, when there is one.</summary>
    internal CapturedHost? Captured { get; init; }
}
