using Microsoft.AspNetCore.Http;
using Unicornet.Config.Hooks;
using Unicornet.Http.Serving;
using Unicornet.Supervision.Hooks;
using Unicornet.Supervision.Metrics;
using Unicornet.Workers.Supervision;

namespace Unicornet.Workers;

/// <summary>
/// The worker's side of the serving loop contract: counts requests for max_requests, records the
/// in-flight ones (for the heartbeat, the master's WORKER TIMEOUT entry and worker_abort), and runs
/// pre_request/post_request.
/// </summary>
internal sealed class WorkerServingEvents : IHttpServingEvents
{
    private readonly WorkerContext _worker;
    private readonly long _limit;
    private int _limitReached;

    private readonly Unicornet.Logging.Metrics.StatsdClient? _statsd;

    private readonly bool _logAppErrors;

    /// <param name="logAppErrors">
    /// Log the app's exceptions with their stacks. Off for the kestrel class: Kestrel logs them itself, and
    /// there the summary carries the error only when something reads summaries.
    /// </param>
    public WorkerServingEvents(WorkerContext worker, long limit, RequestLog? requestLog, Unicornet.Logging.Metrics.StatsdClient? statsd, bool logAppErrors = true)
    {
        _worker = worker;
        InFlight = new InFlightRequests(worker.InFlightFile);
        _logAppErrors = logAppErrors;
        _limit = limit;
        RequestLog = requestLog;
        _statsd = statsd;
    }

    /// <summary>The access log, null when access logging is off (then it costs nothing per request).</summary>
    public RequestLog? RequestLog { get; }

    /// <summary>The requests running now; every class records them (one slot each, no allocation).</summary>
    public InFlightRequests InFlight { get; }

    /// <summary>The worker's metrics file when <c>metrics_bind</c> is set: every request is recorded into it.</summary>
    public WorkerMetricsFile? Metrics { get; init; }

    public bool RequestStarting(HttpContext context)
    {
        InFlight.Start(context);

        Metrics?.RequestStarted();
        long count = _worker.View.CountRequest();
        _worker.Heartbeat.Requests = count;
        if (_worker.Hooks.Has(HookNames.PreRequest))
        {
            _worker.Hooks.Invoke(HookNames.PreRequest, _worker.View, new HookRequest(context));
        }

        if (_limit > 0 && count >= _limit)
        {
            if (Interlocked.Exchange(ref _limitReached, 1) == 0)
            {
                Metrics?.ExitReason = WorkerExitReason.MaxRequests;
                _worker.Log.Autorestarting();
                _worker.RequestGracefulStop();
            }

            return false;
        }

        return true;
    }

    public bool UsesRequestSummary => RequestLog is not null || _statsd is not null || Metrics is not null || _worker.Hooks.Has(HookNames.PostRequest);

    public void RequestCompleted(HttpContext context, RequestSummary summary)
    {
        InFlight.End(context);

        if (Metrics is { } metrics)
        {
            if (summary.Started)
            {
                metrics.RequestEnded();
            }

            metrics.RecordRequest(HttpMethodKinds.Parse(context.Request.Method), summary.Status, summary.Duration.Ticks * 100);
        }

        if (_logAppErrors && summary.Error is { } error)
        {
            LogRequestError(error, summary.RequestLine);
        }

        RequestLog?.Write(context, summary);
        if (_statsd is not null)
        {
            _statsd.Increment("unicornet.requests");
            _statsd.Timing("unicornet.request.duration", summary.Duration.TotalMilliseconds);
            _statsd.Increment("unicornet.request.status." + summary.Status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (_worker.Hooks.Has(HookNames.PostRequest))
        {
            _worker.Hooks.Invoke(HookNames.PostRequest, _worker.View, new HookRequest(context), new HookResponse(context, summary.Status, summary.BodyBytes, summary.Duration));
        }
    }

    public void Tick() => _worker.Beat();

    /// <summary>A final stop (the master said so, or there is no master) drains the accept queue; a retire does not.</summary>
    public bool DrainsAcceptQueue => _worker.InFlightFile?.LastStop ?? true;

    private void LogRequestError(Exception error, string requestLine)
    {
        // A client that sent a broken body or went away is the client's business (the access log
        // shows it); an exception from the app or a hook is the operator's, with its stack.
        if (error is BadHttpRequestException or IOException or System.Net.Sockets.SocketException or OperationCanceledException)
        {
            _worker.Log.RequestEndedEarly(requestLine, error.Message);
        }
        else
        {
            _worker.Log.RequestFailed(error, requestLine);
        }
    }
}
