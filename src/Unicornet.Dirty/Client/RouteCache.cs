using System.Collections.Concurrent;
using Unicornet.Dirty.Protocol;

namespace Unicornet.Dirty.Client;

/// <summary>
/// A client's copy of the arbiter's routes: for each app, the workers to call directly, kept until the arbiter
/// announces ROUTES_CHANGED (or a worker cannot be reached); and one <see cref="WorkerEndpoint"/> per worker.
/// </summary>
internal sealed class RouteCache
{
    private readonly ConcurrentDictionary<string, WorkerEndpoint[]> _routes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, WorkerEndpoint> _endpoints = new();
    private readonly object _gate = new();
    private long _version;

    /// <summary>Changes with every invalidation: an answer asked for under an older version is stale.</summary>
    public long Version => Volatile.Read(ref _version);

    public bool TryGet(string app, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out WorkerEndpoint[]? routes) => _routes.TryGetValue(app, out routes);

    /// <summary>Reads a ROUTE answer (a list of [pid, socket path]) into endpoints, reusing the ones already known.</summary>
    public WorkerEndpoint[] Parse(Frame reply, DirtyClient owner)
    {
        if (new TlvReader(reply.Payload).ReadValue() is not List<object?> entries)
        {
            throw new DirtyProtocolException("a ROUTE answer is not a list");
        }

        var endpoints = new WorkerEndpoint[entries.Count];
        for (int i = 0; i < endpoints.Length; i++)
        {
            if (entries[i] is not List<object?> { Count: 2 } entry || entry[0] is not long pid || entry[1] is not string path)
            {
                throw new DirtyProtocolException("a ROUTE entry is not [pid, socket path]");
            }

            WorkerEndpoint endpoint = _endpoints.GetOrAdd((int)pid, static (p, state) => new WorkerEndpoint(state.Owner, p, state.Path), (Owner: owner, Path: path));
            endpoints[i] = endpoint.Path == path ? endpoint : (_endpoints[(int)pid] = new WorkerEndpoint(owner, (int)pid, path));
        }

        return endpoints;
    }

    /// <summary>Keeps an answer, unless a change was announced since it was asked for (it is then used once, not kept).</summary>
    public void Store(string app, long version, WorkerEndpoint[] endpoints)
    {
        lock (_gate)
        {
            if (_version == version)
            {
                _routes[app] = endpoints;
            }
        }
    }

    public void Invalidate()
    {
        lock (_gate)
        {
            _version++;
            _routes.Clear();
        }
    }

    /// <summary>The worker's connection was lost: the next ROUTE answer naming it makes a fresh endpoint.</summary>
    public void Forget(WorkerEndpoint endpoint) => _endpoints.TryRemove(new KeyValuePair<int, WorkerEndpoint>(endpoint.Pid, endpoint));

    public void CloseAll()
    {
        foreach (WorkerEndpoint endpoint in _endpoints.Values)
        {
            endpoint.Close();
        }
    }
}
