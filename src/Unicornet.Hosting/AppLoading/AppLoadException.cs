namespace Unicornet.Hosting.AppLoading;

/// <summary>The app named by APP_MODULE cannot be loaded; the worker exits with status 4.</summary>
public sealed class AppLoadException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AppLoadException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
