using Microsoft.AspNetCore.Http;

namespace Unicornet.Http.Serving;

/// <summary>
/// What a serving loop tells its worker: requests starting and ending (heartbeat, max_requests,
/// pre_request/post_request hooks, access log). Implemented by the worker process.
/// </summary>
public interface IHttpServingEvents
{
    /// <summary>
    /// Called before the app sees a request (runs pre_request). Returns false when the worker must
    /// stop taking new requests after this one (max_requests reached): the loop answers with
    /// <c>Connection: close</c> and stops accepting.
    /// </summary>
    bool RequestStarting(HttpContext context);

    /// <summary>Called after each response completed or failed (runs post_request, writes the access log).</summary>
    void RequestCompleted(HttpContext context, RequestSummary summary);

    /// <summary>
    /// Whether <see cref="RequestCompleted"/> reads its summary (access log, post_request, metrics). When false
    /// a loop may pass an empty summary, and call it as soon as the app returned, and skip measuring the request.
    /// </summary>
    bool UsesRequestSummary => true;

    /// <summary>Called regularly while the loop is alive, even when idle (heartbeat).</summary>
    void Tick();

    /// <summary>
    /// Read when a graceful stop begins: true when no other process will accept on the listeners afterwards
    /// (the master's final stop), so the loop serves the connections the kernel already queued on them before
    /// it lets them go; false for a retire (HUP, max_requests), where the other workers take the queue.
    /// </summary>
    bool DrainsAcceptQueue => true;
}

/// <summary>The facts the access log and post_request need about a finished request.</summary>
/// <param name="Status">Status code sent.</param>
/// <param name="BodyBytes">Response body bytes sent.</param>
/// <param name="Duration">Time from the first byte of the request to the end of the response.</param>
/// <param name="RequestLine">The raw request line (<c>GET /x?y HTTP/1.1</c>).</param>
/// <param name="Error">The app's exception, if it threw.</param>
public sealed record RequestSummary(int Status, long BodyBytes, TimeSpan Duration, string RequestLine, Exception? Error)
{
    /// <summary>
    /// False when the request never reached <see cref="IHttpServingEvents.RequestStarting"/> (a malformed request
    /// answered by the connection itself), so a count of requests in the app is not decremented for it.
    /// </summary>
    public bool Started { get; init; } = true;
}
