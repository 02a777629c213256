using System.Runtime.Loader;
using Microsoft.AspNetCore.Http;

namespace PrivateDepApp;

/// <summary>Reports where its dependencies were loaded from.</summary>
public static class Entry
{
    public static readonly RequestDelegate App = context =>
    {
        string privateContext = AssemblyLoadContext.GetLoadContext(typeof(PrivateLib.Greeter).Assembly)!.Name!;
        string serilogContext = AssemblyLoadContext.GetLoadContext(typeof(Serilog.Log).Assembly)!.Name!;
        return context.Response.WriteAsync(PrivateLib.Greeter.Greet("app") + "|" + privateContext + "|" + serilogContext);
    };
}
