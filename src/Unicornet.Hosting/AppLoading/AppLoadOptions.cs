using Microsoft.Extensions.DependencyInjection;

namespace Unicornet.Hosting.AppLoading;

/// <summary>How <see cref="AppLoader"/> loads and starts an app.</summary>
public sealed record AppLoadOptions
{
    /// <summary>The defaults: bridge server, no log, no timeouts.</summary>
    public static AppLoadOptions Default { get; } = new();

    /// <summary>
    /// The addresses unicornet listens on (<c>http://127.0.0.1:8000</c>, <c>http://unix:/run/x.sock</c>),
    /// reported to a captured app through IServerAddressesFeature (<c>app.Urls</c>, "Now listening on").
    /// </summary>
    public IReadOnlyList<string> BoundAddresses { get; init; } = [];

    /// <summary>Extra command-line arguments for an app's entry point (before the injected ones).</summary>
    public IReadOnlyList<string> AppArguments { get; init; } = [];

    /// <summary>Where notes go (e.g. "the app's URLs were overridden"); null drops them.</summary>
    public ILog? Log { get; init; }

    /// <summary>How long a captured ASP.NET Core app may take to start (infinite by default: the arbiter's timeout applies).</summary>
    public TimeSpan StartupTimeout { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>How long <see cref="LoadedApp.Dispose"/> waits for a captured app to stop (graceful_timeout).</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Whether loading an app may set process-wide state: the entry assembly (ApplicationName,
    /// MVC application parts) and AppContext.BaseDirectory. On in a worker; tests can turn it off.
    /// </summary>
    public bool SetProcessGlobals { get; init; } = true;

    /// <summary>
    /// Kestrel mode: instead of swapping IServer for the bridge, call this on the captured app's
    /// services (Kestrel stays) and keep the lifetime gate closed until the serving loop opens it.
    /// </summary>
    internal Action<IServiceCollection>? ConfigureKestrelHost { get; init; }
}
