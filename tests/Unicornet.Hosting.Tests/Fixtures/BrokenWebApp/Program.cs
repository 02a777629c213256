if (args.Contains("no-host"))
{
    Console.WriteLine("a CLI subcommand that builds no host");
    return;
}

WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
builder.Services.AddHostedService<FailingStartup>();
WebApplication app = builder.Build();
app.MapGet("/", () => "unreachable");
app.Run();

internal sealed class FailingStartup : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => throw new InvalidOperationException("migrations failed: no database");

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
