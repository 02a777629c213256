using Microsoft.AspNetCore.Http;

namespace HelloApp;

/// <summary>
/// `unicornet HelloApp:App` serves <see cref="App"/>; `unicornet 'HelloApp:create_app("Hi")'` serves
/// the factory's app. (A C# member cannot share its class's name, so the class is Hello.)
/// </summary>
public static class Hello
{
    private static readonly byte[] s_big = CreateBig();

    /// <summary>"Hello, World!" on every path but /big (100 KiB of text).</summary>
    public static readonly RequestDelegate App = create_app("Hello");

    /// <summary>An app that greets with <paramref name="greeting"/>.</summary>
    public static RequestDelegate create_app(string greeting)
    {
        byte[] body = System.Text.Encoding.UTF8.GetBytes(greeting + ", World!");
        return context =>
        {
            context.Response.ContentType = "text/plain";
            if (context.Request.Path == "/big")
            {
                context.Response.ContentLength = s_big.Length;
                return context.Response.Body.WriteAsync(s_big, 0, s_big.Length);
            }

            context.Response.ContentLength = body.Length;
            return context.Response.Body.WriteAsync(body, 0, body.Length);
        };
    }

    private static byte[] CreateBig()
    {
        var big = new byte[100 * 1024];
        for (int i = 0; i < big.Length; i++)
        {
            big[i] = (byte)('a' + (i % 26));
        }

        return big;
    }
}

/// <summary>A middleware-shaped app: `unicornet HelloApp:EchoApp` (no routing, echoes the path).</summary>
public sealed class EchoApp
{
    private readonly RequestDelegate _next;

    /// <summary>Built by unicornet with a terminal 404 as next.</summary>
    public EchoApp(RequestDelegate next)
    {
        _next = next;
    }

    /// <summary>Echoes the path; /missing goes to next.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path == "/missing")
        {
            return _next(context);
        }

        return context.Response.WriteAsync("echo " + context.Request.Path);
    }
}
