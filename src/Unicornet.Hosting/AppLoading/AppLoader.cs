namespace Unicornet.Hosting.AppLoading;

/// <summary>Resolves APP_MODULE (<c>ASSEMBLY:MEMBER</c>) to a request delegate.</summary>
public static class AppLoader
{
    /// <summary>
    /// Loads <paramref name="appModule"/> searching the working directory, <paramref name="chdir"/>
    /// and <paramref name="searchPath"/> (the <c>pythonpath</c> setting). Throws <see cref="AppLoadException"/>.
    /// </summary>
    public static LoadedApp Load(string appModule, string? chdir = null, IReadOnlyList<string>? searchPath = null) =>
        throw new AppLoadException($"app loading is not built yet ('{appModule}')");
}
