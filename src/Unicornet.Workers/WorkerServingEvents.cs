using Microsoft.AspNetCore.Http;
using Unicornet.Config.Hooks;
using Unicornet.Http.Serving;
using Unicornet.Workers.Model;
using Unicornet.Workers.Supervision;

namespace Unicornet.Workers;

/// <summary>
/// The worker's side of the serving loop contract: counts requests for max_requests, tracks the
/// in-flight ones for the heartbeat, and runs pre_request/post_request.
/// </summary>
internal sealed class WorkerServingEvents : IHttpServingEvents
{
    private readonly WorkerProcess _worker;
    private readonly long _limit;
    private int _limitReached;

    public WorkerServingEvents(WorkerProcess worker, long limit)
    {
        _worker = worker;
        _limit = limit;
    }

    public InFlightRequests InFlight { get; } = new();

    public bool RequestStarting(HttpContext context)
    {
        InFlight.Start(context);
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
                _worker.Log.Info("Autorestarting worker after current request.");
                _worker.RequestGracefulStop();
            }

            return false;
        }

        return true;
    }

    public void RequestCompleted(HttpContext context, RequestSummary summary)
    {
        InFlight.End(context);
        if (_worker.Hooks.Has(HookNames.PostRequest))
        {
            _worker.Hooks.Invoke(HookNames.PostRequest, _worker.View, new HookRequest(context), new HookResponse(context, summary));
        }
    }

    public void Tick() => _worker.Beat();
}
