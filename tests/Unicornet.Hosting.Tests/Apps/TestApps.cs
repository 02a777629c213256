using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Unicornet.Hosting.Tests.Apps;

/// <summary>Members of every shape APP_MODULE can name, loaded as "Unicornet.Hosting.Tests:MEMBER".</summary>
public static class TestApps
{
    public static readonly string Text = "not an app";

    public static readonly RequestDelegate? Nothing;

    public static readonly Func<HttpContext, Task> FuncApp = c => c.Response.WriteAsync("func");

    public static readonly Action<int> WrongDelegate = _ => { };

    public static int Number => 42;

    public static RequestDelegate PropertyApp => c => c.Response.WriteAsync("property");

    public static Task Handle(HttpContext context) => context.Response.WriteAsync("method");

    public static RequestDelegate NoArgs() => c => c.Response.WriteAsync("no-args");

    public static RequestDelegate Make(int n, bool flag, string? label = null, double ratio = 1.5) =>
        c => c.Response.WriteAsync($"{n}|{flag}|{label ?? "null"}|{ratio.ToString(CultureInfo.InvariantCulture)}");

    public static RequestDelegate Explode() => throw new InvalidOperationException("factory exploded");

    public static object Middleware() => new PlainMiddleware();
}

public static class Ambiguous1
{
    public static readonly RequestDelegate Dup = c => Task.CompletedTask;
}

public static class Ambiguous2
{
    public static readonly RequestDelegate Dup = c => Task.CompletedTask;
}

public sealed class PlainMiddleware
{
    public Task InvokeAsync(HttpContext context) => context.Response.WriteAsync("plain middleware");
}

public abstract class AbstractApp
{
    public abstract Task InvokeAsync(HttpContext context);
}

/// <summary>Factories returning ASP.NET Core hosts and builders.</summary>
public static class WebFactories
{
    public static WebApplication CreateWeb(string greeting)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        WebApplication app = builder.Build();
        app.Urls.Add("http://127.0.0.1:5999");
        app.MapGet("/hi", () => greeting);
        app.MapGet("/urls", () => string.Join(",", app.Urls));
        return app;
    }

    public static WebApplication KestrelWeb()
    {
        // An endpoint in the app's own configuration: under unicornet it must not open a port.
        WebApplicationBuilder builder = WebApplication.CreateBuilder();
        builder.Configuration["Kestrel:Endpoints:Extra:Url"] = "http://127.0.0.1:0";
        WebApplication app = builder.Build();
        app.MapGet("/urls", () => string.Join(",", app.Urls));
        return app;
    }

    public static WebApplicationBuilder CreateBuilder() => WebApplication.CreateSlimBuilder();

    public static WebApplication Broken()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddHostedService<FailingService>();
        return builder.Build();
    }

    public static WebApplication Prebuilt()
    {
        // Built on a flow that does not carry unicornet's capture marker.
        WebApplication? app = null;
        using (ExecutionContext.SuppressFlow())
        {
            var thread = new Thread(() => app = WebApplication.CreateSlimBuilder().Build());
            thread.Start();
            thread.Join();
        }

        return app!;
    }

    private sealed class FailingService : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => throw new InvalidOperationException("database unreachable at startup");

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
