using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Unicornet.Http.Serving;

namespace Unicornet.Hosting.Kestrel;

/// <summary>
/// Runs first in the Kestrel pipeline and reports each request to the worker exactly like
/// unicornet's own loops do: RequestStarting before the app (pre_request, max_requests), and
/// RequestCompleted once Kestrel finished the response (post_request, access log).
/// </summary>
internal sealed class ServingEventsMiddleware
{
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

    public async Task InvokeAsync(HttpContext context)
    {
        var state = new RequestState(this, context, Stopwatch.GetTimestamp());
        if (context.Features.Get<IHttpResponseBodyFeature>() is { } body)
        {
            state.Body = new CountingResponseBody(body);
            context.Features.Set<IHttpResponseBodyFeature>(state.Body);
        }

        context.Response.OnCompleted(static s => ((RequestState)s).Complete(), state);

        bool more = _events.RequestStarting(context);
        if (!more)
        {
            _lastRequest();
        }

        if ((!more || _closeEachConnection) && HttpProtocol.IsHttp11(context.Request.Protocol))
        {
            context.Response.Headers.Connection = "close";
        }

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
