using System.Collections;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Abstractions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace Unicornet.Hosting.Server;

/// <summary>
/// What the host sees as the request's feature collection: the engine's features, plus what Kestrel's
/// own collection offers to make a request cheap. It is reused for every request of a connection:
/// <list type="bullet">
/// <item>it is the host's <see cref="IHostContextContainer{TContext}"/>, so HostingApplication pools its
/// context and DefaultHttpContext per connection instead of building both per request;</item>
/// <item>it is <see cref="IEndpointFeature"/> and <see cref="IRouteValuesFeature"/> itself, and keeps the
/// activity and metrics-tags features the host sets on every request in fields, so routing and hosting
/// diagnostics neither allocate those features nor go through the engine's override table.</item>
/// </list>
/// Every other feature, read or set, is the engine's.
/// </summary>
internal sealed class BridgeRequest<TContext> :
    IFeatureCollection,
    IHostContextContainer<TContext>,
    IEndpointFeature,
    IRouteValuesFeature
    where TContext : notnull
{
    private readonly IHttpApplication<TContext> _application;
    private IFeatureCollection _engine = null!;
    private int _revision;
    private object? _endpointFeature;
    private object? _routeValuesFeature;
    private object? _activityFeature;
    private object? _metricsTagsFeature;
    private Endpoint? _endpoint;
    private RouteValueDictionary? _routeValues;
    private bool _completed;

    public BridgeRequest(IHttpApplication<TContext> application)
    {
        _application = application;
    }

    /// <summary>The host's context of the running request (default between requests).</summary>
    public TContext? Context { get; set; }

    /// <summary>What the app threw, for the host's request-end diagnostics.</summary>
    public Exception? Error { get; set; }

    /// <summary>The host's pooled context (kept across requests; HostingApplication resets it).</summary>
    TContext? IHostContextContainer<TContext>.HostContext { get; set; }

    /// <summary>Starts a request over <paramref name="engine"/>'s features.</summary>
    public void Begin(IFeatureCollection engine)
    {
        _engine = engine;
        _endpointFeature = this;
        _routeValuesFeature = this;
        _activityFeature = null;
        _metricsTagsFeature = null;
        _endpoint = null;
        _routeValues = null;
        _revision++;
        Context = default;
        Error = null;
        _completed = false;
    }

    /// <summary>Ends the request once: the host disposes (and resets for reuse) its context.</summary>
    public Task Complete()
    {
        if (_completed || Context is not { } context)
        {
            return Task.CompletedTask;
        }

        _completed = true;
        _application.DisposeContext(context, Error);
        Context = default;
        Error = null;

        // Nothing of this request stays reachable from the connection while it is idle.
        _endpoint = null;
        _routeValues = null;
        _activityFeature = null;
        _metricsTagsFeature = null;
        return Task.CompletedTask;
    }

    // ---- IFeatureCollection -------------------------------------------------------------------------------

    public bool IsReadOnly => false;

    // Both counters only grow, so their sum changes whenever either collection changes.
    public int Revision => _engine.Revision + _revision;

    public object? this[Type key]
    {
        get
        {
            if (key == typeof(IEndpointFeature))
            {
                return _endpointFeature;
            }

            if (key == typeof(IRouteValuesFeature))
            {
                return _routeValuesFeature;
            }

            if (key == typeof(IHttpActivityFeature))
            {
                return _activityFeature;
            }

            if (key == typeof(IHttpMetricsTagsFeature))
            {
                return _metricsTagsFeature;
            }

            return _engine[key];
        }

        set
        {
            if (key == typeof(IEndpointFeature))
            {
                _endpointFeature = value;
            }
            else if (key == typeof(IRouteValuesFeature))
            {
                _routeValuesFeature = value;
            }
            else if (key == typeof(IHttpActivityFeature))
            {
                _activityFeature = value;
            }
            else if (key == typeof(IHttpMetricsTagsFeature))
            {
                _metricsTagsFeature = value;
            }
            else
            {
                _engine[key] = value;
                return;
            }

            _revision++;
        }
    }

    public TFeature? Get<TFeature>() => (TFeature?)this[typeof(TFeature)];

    public void Set<TFeature>(TFeature? instance) => this[typeof(TFeature)] = instance;

    public IEnumerator<KeyValuePair<Type, object>> GetEnumerator()
    {
        foreach (KeyValuePair<Type, object> pair in _engine)
        {
            yield return pair;
        }

        if (_endpointFeature is not null)
        {
            yield return new KeyValuePair<Type, object>(typeof(IEndpointFeature), _endpointFeature);
        }

        if (_routeValuesFeature is not null)
        {
            yield return new KeyValuePair<Type, object>(typeof(IRouteValuesFeature), _routeValuesFeature);
        }

        if (_activityFeature is not null)
        {
            yield return new KeyValuePair<Type, object>(typeof(IHttpActivityFeature), _activityFeature);
        }

        if (_metricsTagsFeature is not null)
        {
            yield return new KeyValuePair<Type, object>(typeof(IHttpMetricsTagsFeature), _metricsTagsFeature);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    // ---- IEndpointFeature, IRouteValuesFeature ------------------------------------------------------------

    Endpoint? IEndpointFeature.Endpoint { get => _endpoint; set => _endpoint = value; }

    RouteValueDictionary IRouteValuesFeature.RouteValues
    {
        get => _routeValues ??= new RouteValueDictionary();
        set => _routeValues = value;
    }
}
