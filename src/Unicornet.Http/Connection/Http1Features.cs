using System.Collections;
using Microsoft.AspNetCore.Http.Features;

namespace Unicornet.Http.Connection;

/// <summary>
/// The request's feature collection, one per connection and reused per request: each feature is implemented by
/// the part of the connection that owns its state (<see cref="Http1Request"/>, <see cref="Http1RequestBody"/>,
/// <see cref="Http1Response"/>, <see cref="Http1Upgrade"/>); what the app sets on top lives in an override table
/// cleared between requests.
/// </summary>
internal sealed class Http1Features : IFeatureCollection, IConnectionState
{
    private static readonly Type[] s_ownFeatures =
    [
        typeof(IHttpRequestFeature), typeof(IHttpResponseFeature), typeof(IHttpResponseBodyFeature),
        typeof(IHttpConnectionFeature), typeof(IHttpRequestLifetimeFeature), typeof(IHttpRequestIdentifierFeature),
        typeof(IHttpRequestBodyDetectionFeature), typeof(IHttpMaxRequestBodySizeFeature), typeof(IHttpBodyControlFeature),
        typeof(IHttpRequestTrailersFeature), typeof(ITlsConnectionFeature), typeof(IHttpEarlyHintsFeature),
        typeof(IHttpResponseTrailersFeature), typeof(IHttpUpgradeFeature),
    ];

    private readonly ConnectionSettings _settings;
    private readonly Http1Request _request;
    private readonly Http1RequestBody _body;
    private readonly Http1Response _response;
    private Dictionary<Type, object?>? _overrides;
    private int _revision;
    private object? _connectionState;

    public Http1Features(ConnectionSettings settings, Http1Request request, Http1RequestBody body, Http1Response response)
    {
        _settings = settings;
        _request = request;
        _body = body;
        _response = response;
    }

    object? IConnectionState.State { get => _connectionState; set => _connectionState = value; }

    /// <summary>A new request: the app's replacements from the last one are gone.</summary>
    public void Reset()
    {
        if (_overrides is { Count: > 0 })
        {
            _overrides.Clear();
        }

        _revision++;
    }

    bool IFeatureCollection.IsReadOnly => false;

    int IFeatureCollection.Revision => _revision;

    object? IFeatureCollection.this[Type key]
    {
        get
        {
            if (_overrides is not null && _overrides.TryGetValue(key, out object? replaced))
            {
                return replaced;
            }

            return OwnFeature(key);
        }

        set
        {
            _overrides ??= new Dictionary<Type, object?>();
            _overrides[key] = value;
            _revision++;
        }
    }

    TFeature? IFeatureCollection.Get<TFeature>() where TFeature : default => (TFeature?)((IFeatureCollection)this)[typeof(TFeature)];

    void IFeatureCollection.Set<TFeature>(TFeature? instance) where TFeature : default => ((IFeatureCollection)this)[typeof(TFeature)] = instance;

    /// <summary>The object implementing <paramref name="key"/>, or null where this connection does not offer it.</summary>
    private object? OwnFeature(Type key)
    {
        if (key == typeof(IHttpRequestFeature) || key == typeof(IHttpConnectionFeature) || key == typeof(IHttpRequestLifetimeFeature)
            || key == typeof(IHttpRequestIdentifierFeature) || key == typeof(IHttpBodyControlFeature))
        {
            return _request;
        }

        if (key == typeof(IHttpResponseFeature) || key == typeof(IHttpResponseBodyFeature) || key == typeof(IHttpEarlyHintsFeature))
        {
            return _response;
        }

        if (key == typeof(IHttpRequestBodyDetectionFeature) || key == typeof(IHttpMaxRequestBodySizeFeature) || key == typeof(IHttpRequestTrailersFeature))
        {
            return _body;
        }

        if (key == typeof(ITlsConnectionFeature))
        {
            // The TLS connection itself (Http1Request does not implement it: its X509 signatures would load the
            // TLS assemblies into every worker).
            return _request.TlsFeature;
        }

        if (key == typeof(IHttpResponseTrailersFeature))
        {
            return _response.TrailersAllowed ? _response : null;
        }

        if (key == typeof(IHttpUpgradeFeature))
        {
            // nginx's uwsgi module carries no upgraded connection.
            return _settings.AllowUpgrade && !_settings.Parser.Uwsgi ? _response.Upgrade : null;
        }

        return null;
    }

    IEnumerator<KeyValuePair<Type, object>> IEnumerable<KeyValuePair<Type, object>>.GetEnumerator()
    {
        foreach (Type type in s_ownFeatures)
        {
            object? value = ((IFeatureCollection)this)[type];
            if (value is not null)
            {
                yield return new KeyValuePair<Type, object>(type, value);
            }
        }

        if (_overrides is not null)
        {
            foreach (KeyValuePair<Type, object?> pair in _overrides)
            {
                if (pair.Value is not null && Array.IndexOf(s_ownFeatures, pair.Key) < 0)
                {
                    yield return new KeyValuePair<Type, object>(pair.Key, pair.Value);
                }
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable<KeyValuePair<Type, object>>)this).GetEnumerator();
}
