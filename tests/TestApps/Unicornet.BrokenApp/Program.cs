WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
WebApplication app = builder.Build();
app.MapGet("/", () => "never served");
throw new InvalidOperationException("BrokenApp startup failed on purpose");
