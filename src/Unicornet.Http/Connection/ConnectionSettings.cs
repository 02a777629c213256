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

    public int MaxInputBuffer { get; }

    /// <summary>
    /// Read ahead while the app runs so RequestAborted fires when the client hangs up. Off for the sync worker,
    /// whose blocking reads would wait for a next request that never comes.
    /// </summary>
    public bool DetectDisconnects { get; init; } = true;

    /// <summary>
    /// The app runs on the poll thread and never blocks (<see cref="HttpServingOptions.AppsRunOnPollThread"/>, async
    /// class only). Then the hang-up read ahead starts only once the app has returned without finishing (a request
    /// it completes synchronously cannot observe RequestAborted anyway), and the app's flushes are held while it
    /// runs synchronously, so a response it then finishes goes out in one send with its chunked terminator, as
    /// Kestrel's output pipe coalesces it. Apps that may block (sync, gthread, or async with inline completions
    /// off) get the read ahead before they run and every flush sent at once: a blocked app must not delay bytes.
    /// </summary>
    public bool AppsRunOnPollThread { get; init; }

    /// <summary>Whether requests may take over the connection (IHttpUpgradeFeature, e.g. WebSockets): the async class only.</summary>
    public bool AllowUpgrade { get; init; }

    /// <summary>Called when a request's RequestStarting returned false (max_requests): the loop stops accepting.</summary>
    public Action? StopRequested { get; set; }

    /// <summary>Unread request body the server discards to keep a connection alive; beyond it the connection closes.</summary>
    public long MaxDrainBytes { get; } = 64 * 1024;
}
