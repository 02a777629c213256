using Microsoft.AspNetCore.Diagnostics;

WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
builder.Services.AddSingleton<Counter>();
WebApplication app = builder.Build();

app.UseExceptionHandler(errors => errors.Run(async context =>
{
    IExceptionHandlerFeature? feature = context.Features.Get<IExceptionHandlerFeature>();
    context.Response.StatusCode = StatusCodes.Status500InternalServerError;
    await context.Response.WriteAsJsonAsync(new { error = "handled", detail = feature?.Error.Message });
}));

app.MapGet("/", () => "Hello from MinimalApi");
app.MapGet("/items/{id:int}", (int id, string? tag) => Results.Ok(new Item(id, tag)));
app.MapPost("/sum", (SumRequest request) => new { sum = request.Numbers.Sum() });
app.MapGet("/count", (Counter counter) => new { count = counter.Next() });
app.MapGet("/stream", StreamNumbers);
app.MapGet("/config", (IConfiguration config, IWebHostEnvironment env) =>
    new { greeting = config["Greeting"], environment = env.EnvironmentName, application = env.ApplicationName });
app.MapGet("/boom", string () => throw new InvalidOperationException("boom"));

app.Run();

static async IAsyncEnumerable<int> StreamNumbers([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
{
    for (int i = 1; i <= 5; i++)
    {
        await Task.Delay(10, cancellationToken);
        yield return i;
    }
}

internal sealed record Item(int Id, string? Tag);

internal sealed record SumRequest(int[] Numbers);

internal sealed class Counter
{
    private int _value;

    public int Next() => Interlocked.Increment(ref _value);
}
