using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Unicornet.Http.Serving;

namespace Unicornet.Hosting.Kestrel;

/// <summary>
/// Runs first in the Kestrel pipeline and reports each request to the worker exactly like
/// unicornet's own loops do: RequestStarting before the app (pre_request, max_requests), and
/// RequestCompleted once Kestrel finished the response (post_request, access log). When the worker
/// reads no summary, RequestCompleted comes as soon as the app returned and nothing is measured, so
/// a worker without access log and hooks pays little more than the request count.
/// </summary>
internal sealed class ServingEventsMiddleware
{
    // What an events sink that does not read summaries gets (IHttpServingEvents.UsesRequestSummary).
    private static readonly RequestSummary s_emptySummary = new(0, 0, TimeSpan.Zero, "", null);

    private readonly RequestDelegate _next;
    private readonly IHttpServingEvents _events;
    private readonly bool _closeEachConnection;
    private readonly Action _lastRequest;

    public ServingEventsMiddleware(RequestDelegate next, IHttpServingEvents events, bool closeEachConnection, Action lastRequest)
    {
        _next = next;
        _events = events;
        _closeEachConnection = closeEachConnection;
        _lastRequest = lastRequest;
    }

    public Task InvokeAsync(HttpContext context)
    {
        if (!_events.UsesRequestSummary)
        {
            // Nothing reads the summary (no access log, post_request or metrics): the request is only
            // counted and tracked, so neither the body is counted nor a completion callback registered.
            return InvokeUncountedAsync(context);
        }

        var state = new RequestState(this, context, Stopwatch.GetTimestamp());
        if (context.Features.Get<IHttpResponseBodyFeature>() is { } body)
        {
            state.Body = new CountingResponseBody(body);
            context.Features.Set<IHttpResponseBodyFeature>(state.Body);
        }

        context.Response.OnCompleted(static s => ((RequestState)s).Complete(), state);
        Start(context);
        return InvokeCountedAsync(context, state);
    }

    private void Start(HttpContext context)
    {
        bool more = _events.RequestStarting(context);
        if (!more)
        {
            _lastRequest();
        }

        if ((!more || _closeEachConnection) && HttpProtocol.IsHttp11(context.Request.Protocol))
        {
            context.Response.Headers.Connection = "close";
        }
    }

    private async Task InvokeCountedAsync(HttpContext context, RequestState state)
    {
        try
        {
            await _next(context).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            state.Error = ex;
            throw;
        }
    }

    private Task InvokeUncountedAsync(HttpContext context)
    {
        Task task;
        try
        {
            Start(context);
            task = _next(context);
        }
        catch (Exception)
        {
            _events.RequestCompleted(context, s_emptySummary);
            throw;
        }

        if (task.IsCompletedSuccessfully)
        {
            _events.RequestCompleted(context, s_emptySummary);
            return Task.CompletedTask;
        }

        return AwaitUncountedAsync(task, context);
    }

    private async Task AwaitUncountedAsync(Task task, HttpContext context)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        finally
        {
            _events.RequestCompleted(context, s_emptySummary);
        }
    }

    private sealed class RequestState(ServingEventsMiddleware owner, HttpContext context, long started)
    {
        public CountingResponseBody? Body { get; set; }

        public Exception? Error { get; set; }

        public Task Complete()
        {
            IHttpRequestFeature? request = context.Features.Get<IHttpRequestFeature>();
            string requestLine = request is null
                ? ""
                : request.Method + " " + (string.IsNullOrEmpty(request.RawTarget) ? request.Path + request.QueryString : request.RawTarget) + " " + request.Protocol;
            var summary = new RequestSummary(
                context.Response.StatusCode,
                Body?.BytesWritten ?? 0,
                Stopwatch.GetElapsedTime(started),
                requestLine,
                Error);
            owner._events.RequestCompleted(context, summary);
            return Task.CompletedTask;
        }
    }
}
