WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
WebApplication app = builder.Build();

app.MapGet("/", () => "GET /events?count=N streams N server-sent events");
app.MapGet("/events", async (HttpContext context, int? count, CancellationToken cancellationToken) =>
{
    context.Response.Headers.ContentType = "text/event-stream";
    context.Response.Headers.CacheControl = "no-cache";
    int total = Math.Clamp(count ?? 5, 1, 1000);
    for (int i = 1; i <= total; i++)
    {
        await context.Response.WriteAsync($"id: {i}\nevent: tick\ndata: {{\"n\":{i}}}\n\n", cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);
        await Task.Delay(20, cancellationToken);
    }
});

app.Run();
