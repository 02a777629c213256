using Microsoft.AspNetCore.Http;

namespace Unicornet.Hosting.AppLoading;

/// <summary>An app ready to serve: a request delegate, plus what to dispose at worker exit.</summary>
/// <param name="Reference">The APP_MODULE text it was loaded from.</param>
/// <param name="Handler">The request pipeline.</param>
/// <param name="Dispose">Stops the app (for ASP.NET Core hosts: the host's StopAsync).</param>
public sealed record LoadedApp(string Reference, RequestDelegate Handler, Func<Task>? Dispose = null);
