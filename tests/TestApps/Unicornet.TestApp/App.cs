using System.Diagnostics.Metrics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

/// <summary>
/// A tiny app for the process-model tests: <c>/</c> and <c>/pid</c> say which worker answered,
/// <c>/slow?ms=N</c> takes its time (and says on stdout when it starts), <c>/hang</c> never returns (inside a method with a name the
/// timeout test looks for in the stack traces), <c>/env?name=X</c> echoes an environment variable,
/// <c>/boom</c> throws (the worker logs it to the error log and answers 500); <c>/order</c> adds 1 to the
/// <c>testapp.orders</c> counter of the <c>TestApp.Shop</c> meter (which also has a <c>testapp.pid</c> observable
/// gauge); <c>/peer</c> answers the client's address, port, scheme and protocol as the app sees them; <c>/echo...</c>, <c>/status</c> and <c>/etag</c> are in <see cref="Echo"/>.
/// </summary>
public static class App
{
    private static readonly Meter s_meter = new("TestApp.Shop");
    private static readonly Counter<long> s_orders = s_meter.CreateCounter<long>("testapp.orders", "{order}", "Orders placed.");
    private static readonly ObservableGauge<int> s_pid = s_meter.CreateObservableGauge("testapp.pid", () => Environment.ProcessId, null, "The worker's pid.");

    /// <summary>The request handler.</summary>
    public static Task Invoke(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        string path = context.Request.Path.Value ?? "/";
        if (path.StartsWith("/echo", StringComparison.Ordinal))
        {
            return Echo.Invoke(context);
        }

        switch (path)
        {
            case "/status":
                return Echo.Status(context);
            case "/etag":
                return Echo.WithETag(context);
            case "/slow":
                return Slow(context);
            case "/hang":
                SleepForeverInsideTestApp();
                return Task.CompletedTask;
            case "/env":
                return Text(context, Environment.GetEnvironmentVariable(context.Request.Query["name"].ToString()) ?? "");
            case "/boom":
                throw new InvalidOperationException("boom from the test app");
            case "/order":
                GC.KeepAlive(s_pid);
                s_orders.Add(1, new KeyValuePair<string, object?>("shop", "main"));
                return Text(context, Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
            case "/pid":
                return Text(context, Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
            case "/peer":
                return Peer(context);
            default:
                return Text(context, "hello from " + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>The same handler as middleware, for loaders that want an application builder.</summary>
    public static void Configure(IApplicationBuilder app) => app.Run(Invoke);

    private static async Task Slow(HttpContext context)
    {
        int ms = int.TryParse(context.Request.Query["ms"], NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v : 1000;

        // Tests wait for this line to know the request is in flight before they signal the master.
        Console.Out.WriteLine("slow request started in " + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Console.Out.Flush();

        // Being slow is what this endpoint is for.
        await Task.Delay(ms).ConfigureAwait(false);
        await Text(context, "slow done " + Environment.ProcessId.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
    }

    /// <summary>With a Content-Length, so a raw test can read several answers off one connection.</summary>
    private static Task Peer(HttpContext context)
    {
        byte[] body = System.Text.Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{context.Connection.RemoteIpAddress} {context.Connection.RemotePort} {context.Request.Scheme} {context.Request.Protocol}\n"));
        context.Response.ContentType = "text/plain";
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body).AsTask();
    }

    private static Task Text(HttpContext context, string body)
    {
        context.Response.ContentType = "text/plain";
        return context.Response.WriteAsync(body + "\n");
    }

    // Hanging (with this method on the stack) is what /hang is for.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void SleepForeverInsideTestApp() => Thread.Sleep(Timeout.Infinite);
}
