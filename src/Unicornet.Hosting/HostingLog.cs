using Microsoft.Extensions.Logging;

namespace Unicornet.Hosting;

/// <summary>
/// Everything the hosting layer writes to the worker's error log, in one place. The method names are the events'
/// stable names; keep the rendered texts as they are (operators grep them). Property names are part of the JSON
/// log's fields.
/// </summary>
internal static class HostingLog
{
    /// <summary>
    /// The kestrel class's head guard refused an HTTP/1 head Kestrel would have normalised (and served); Kestrel answers
    /// it with its own 400. Debug, as a client's malformed request is the client's business.
    /// </summary>
    public static void HeadRefusedBeforeKestrel(this ILog log, string reason, string peer) =>
        log.Debug("Refused a request head from {Peer} before Kestrel parsed it: {Reason}", peer, reason);

    /// <summary>A Microsoft.Extensions.Logging message from a host unicornet built, at the matching level.</summary>
    public static void FrameworkMessage(this ILog log, LogLevel level, string category, string message, Exception? exception)
    {
        const string Template = "{Category}: {Message}";
        switch (level)
        {
            case LogLevel.Trace or LogLevel.Debug:
                log.Debug(Template, category, message);
                break;
            case LogLevel.Information:
                log.Info(Template, category, message);
                break;
            case LogLevel.Warning:
                log.Warning(Template, category, message);
                break;
            case LogLevel.Error when exception is not null:
                log.Exception(exception, Template, category, message);
                break;
            case LogLevel.Error:
                log.Error(Template, category, message);
                break;
            case LogLevel.Critical:
                log.Critical(Template, category, message);
                break;
        }
    }

    public static void H2OnlyOverCleartext(this ILog log, string http2Cleartext) =>
        log.Warning("http_protocols is h2 only, but the listener is plain HTTP and http2_cleartext is '{Mode}': serving HTTP/1.1", http2Cleartext);

    /// <summary>What the bridge server has to say about the addresses a captured host asked for.</summary>
    public static void BridgeNote(this ILog log, string note) =>
        log.Info("{Note}", note);

    /// <summary>The app's own code threw while it loaded: the whole exception, its stack is the author's only clue.</summary>
    public static void AppThrewWhileLoading(this ILog log, Exception e, string app) =>
        log.Exception(e, "Failed to load the application {App}: {Error}", app, e.Message);

    /// <summary>unicornet could not find or bind the app (no file, no member): one line.</summary>
    public static void AppNotLoadable(this ILog log, Exception e, string app) =>
        log.Error("Failed to load the application {App}: {Error}", app, e.Message);
}
