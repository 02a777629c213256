namespace Unicornet.Hosting.AppLoading;

/// <summary>
/// How a failed app load is told, the same in the CLI, the master and every worker: a problem
/// unicornet found (no file, no member) is one line; an exception the app threw while loading keeps
/// its whole stack, because that stack is the app author's only clue (gunicorn prints it too).
/// </summary>
public static class AppLoadFailure
{
    /// <summary>Whether the app's own code threw (the exception carries the app's exception).</summary>
    public static bool AppThrew(Exception e) => e is not AppLoadException || e.InnerException is not null;

    /// <summary>The one line for <paramref name="e"/>: <c>error: app 'X.dll': ...</c>.</summary>
    public static string Line(string appModule, Exception e) => $"error: app '{appModule}': {e.Message}";

    /// <summary>Logs <paramref name="e"/>: one line, or the whole exception when the app threw.</summary>
    public static void Log(ILog log, string appModule, Exception e)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(e);
        if (AppThrew(e))
        {
            log.AppThrewWhileLoading(e, appModule);
        }
        else
        {
            log.AppNotLoadable(e, appModule);
        }
    }
}
