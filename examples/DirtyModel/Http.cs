using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Unicornet;
using Unicornet.Dirty.Client;

namespace DirtyModel;

/// <summary>
/// The HTTP side: request delegates that call <see cref="ModelApp"/> in the dirty pool through the
/// process-wide <see cref="DirtyClient.Shared"/> (one multiplexed connection per HTTP worker).
/// <c>GET /predict?x=1,2,...</c> (32 numbers; omitted = a fixed probe), <c>/nearest</c>,
/// <c>/neighbours?k=5</c> (NDJSON, streamed as the dirty worker produces it), <c>/stats</c>, and
/// <c>/ping?n=2000</c>, which makes n sequential no-op calls from this HTTP worker and reports the round
/// trip's percentiles in µs.
/// </summary>
public static class Http
{
    /// <summary>The dirty app's name in <c>dirty_apps</c>.</summary>
    public const string Model = "DirtyModel:DirtyModel.ModelApp";

    /// <summary>The app to serve.</summary>
    public static readonly RequestDelegate App = HandleAsync;

    private static async Task HandleAsync(HttpContext context)
    {
        DirtyClient dirty = DirtyClient.Shared;
        CancellationToken aborted = context.RequestAborted;
        try
        {
            switch (context.Request.Path.Value)
            {
                case "/predict":
                    await WriteJsonAsync(context, await dirty.ExecuteAsync<Prediction>(Model, "Predict", aborted, Features(context)));
                    break;
                case "/nearest":
                    await WriteJsonAsync(context, await dirty.ExecuteAsync<Prediction>(Model, "Nearest", aborted, Features(context)));
                    break;
                case "/stats":
                    await WriteJsonAsync(context, await dirty.ExecuteAsync<Dictionary<string, object>>(Model, "Stats", aborted));
                    break;
                case "/neighbours":
                    int k = int.TryParse(context.Request.Query["k"], NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : 5;
                    context.Response.ContentType = "application/x-ndjson";
                    await foreach (Prediction? p in dirty.StreamAsync<Prediction>(Model, "Neighbours", new DirtyCallOptions { CancellationToken = aborted }, Features(context), k))
                    {
                        await context.Response.WriteAsync(JsonSerializer.Serialize(p) + "\n", aborted);
                        await context.Response.Body.FlushAsync(aborted);
                    }

                    break;
                case "/ping":
                    await WriteJsonAsync(context, await PingAsync(dirty, context, aborted));
                    break;
                default:
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    await context.Response.WriteAsync("try /predict, /nearest, /neighbours, /stats or /ping\n", aborted);
                    break;
            }
        }
        catch (DirtyException e) when (!context.Response.HasStarted)
        {
            context.Response.StatusCode = e is DirtyTimeoutException ? StatusCodes.Status504GatewayTimeout : StatusCodes.Status503ServiceUnavailable;
            await context.Response.WriteAsync(e.GetType().Name + ": " + e.Message + "\n", aborted);
        }
    }

    private static async Task<Dictionary<string, object>> PingAsync(DirtyClient dirty, HttpContext context, CancellationToken aborted)
    {
        int n = int.TryParse(context.Request.Query["n"], NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? Math.Clamp(v, 1, 1_000_000) : 2000;
        var samples = new double[n];
        for (int i = 0; i < n; i++)
        {
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            await dirty.ExecuteAsync<object>(Model, "Ping", aborted);
            samples[i] = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        Array.Sort(samples);
        return new Dictionary<string, object>
        {
            ["calls"] = n,
            ["p50_us"] = Math.Round(samples[n / 2], 1),
            ["p99_us"] = Math.Round(samples[Math.Min(n - 1, n * 99 / 100)], 1),
            ["max_us"] = Math.Round(samples[^1], 1),
            ["worker_pid"] = Environment.ProcessId,
        };
    }

    private static float[] Features(HttpContext context)
    {
        string? x = context.Request.Query["x"];
        if (string.IsNullOrEmpty(x))
        {
            return Enumerable.Range(0, ModelApp.Features).Select(i => (float)(i % 10)).ToArray();
        }

        return x.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
    }

    private static Task WriteJsonAsync<T>(HttpContext context, T value)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(value) + "\n", context.RequestAborted);
    }
}
