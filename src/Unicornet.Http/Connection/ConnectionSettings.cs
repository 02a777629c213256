using Microsoft.AspNetCore.Http;
using Unicornet.Http.Parsing;
using Unicornet.Http.Serving;

namespace Unicornet.Http.Connection;

/// <summary>What every connection of one serving loop shares.</summary>
internal sealed class ConnectionSettings
{
    public ConnectionSettings(HttpServingOptions options, RequestDelegate app, IHttpServingEvents events, bool keepAlive, SemaphoreSlim? requestGate)
    {
        Options = options;
        Parser = new HttpParserSettings(options);
        App = app;
        Events = events;
        KeepAlive = keepAlive && options.KeepAliveSeconds > 0;
        RequestGate = requestGate;
        HeaderTimeoutMs = Math.Max(1, options.HeaderReadTimeoutSeconds) * 1000L;
        KeepAliveMs = Math.Max(0, options.KeepAliveSeconds) * 1000L;
        RootPath = options.RootPath.TrimEnd('/');
        MaxInputBuffer = Parser.MaxHeaderBuffer + (Parser.LimitRequestLine == 0 ? 1 << 20 : Parser.LimitRequestLine) + 8192;
    }

    public HttpServingOptions Options { get; }

    public HttpParserSettings Parser { get; }

    public RequestDelegate App { get; }

    public IHttpServingEvents Events { get; }

    /// <summary>Whether this loop keeps connections open between requests at all (sync never does).</summary>
    public bool KeepAlive { get; }

    /// <summary>gthread: limits how many requests run at once (the thread pool of <c>threads</c>).</summary>
    public SemaphoreSlim? RequestGate { get; }

    public long HeaderTimeoutMs { get; }

    public long KeepAliveMs { get; }

    public string RootPath { get; }

    public int MaxInputBuffer { get; }

    /// <summary>
    /// Read ahead while the app runs so RequestAborted fires when the client hangs up. Off for the sync worker,
    /// whose blocking reads would wait for a next request that never comes.
    /// </summary>
    public bool DetectDisconnects { get; init; } = true;

    /// <summary>
    /// Start that read ahead only once the app has returned without finishing (the async class, whose apps never
    /// block): a request it completes synchronously cannot observe RequestAborted anyway. gthread apps may block
    /// inside the call, so there the read is pending before the app runs.
    /// </summary>
    public bool DetectDisconnectsAfterAppYields { get; init; }

    /// <summary>
    /// Hold back the app's flushes while it runs synchronously on the serving thread (the async class): a response
    /// the app then finishes goes out in one send with its chunked terminator, as Kestrel's output pipe coalesces
    /// it. An app that yields instead has its flushed bytes sent at once by the serving loop. The sync and gthread
    /// classes do not hold flushes back: their apps may block after a flush, which must not delay the bytes.
    /// </summary>
    public bool CoalesceAppFlushes { get; init; }

    /// <summary>Whether requests may take over the connection (IHttpUpgradeFeature, e.g. WebSockets): the async class only.</summary>
    public bool AllowUpgrade { get; init; }

    /// <summary>Called when a request's RequestStarting returned false (max_requests): the loop stops accepting.</summary>
    public Action? StopRequested { get; set; }

    /// <summary>Unread request body the server discards to keep a connection alive; beyond it the connection closes.</summary>
    public long MaxDrainBytes { get; } = 64 * 1024;
}
