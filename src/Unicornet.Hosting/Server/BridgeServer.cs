using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Unicornet.Http.Connection;

namespace Unicornet.Hosting.Server;

/// <summary>
/// The <see cref="IServer"/> put into a captured ASP.NET Core app in place of Kestrel. It opens no
/// sockets: it only keeps the host's <see cref="IHttpApplication{TContext}"/> and exposes it as a
/// <see cref="RequestDelegate"/> that unicornet's own engine calls with a context built over its
/// feature collection.
/// </summary>
internal sealed class BridgeServer : IServer
{
    private readonly IReadOnlyList<string> _boundAddresses;
    private readonly Action<string>? _note;
    private readonly ServerAddressesFeature _addresses = new();
    private volatile RequestDelegate? _handler;

    public BridgeServer(IReadOnlyList<string> boundAddresses, Action<string>? note)
    {
        _boundAddresses = boundAddresses;
        _note = note;
        Features.Set<IServerAddressesFeature>(_addresses);
    }

    public IFeatureCollection Features { get; } = new FeatureCollection();

    /// <summary>Whether the host started the server (its pipeline is built).</summary>
    public bool IsStarted => _handler is not null;

    /// <summary>The app's pipeline as a request delegate; 503 until the host has started.</summary>
    public RequestDelegate Handler => HandleAsync;

    public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
        where TContext : notnull
    {
        if (_addresses.Addresses.Count > 0)
        {
            _note?.Invoke($"the app asked to listen on {string.Join(", ", _addresses.Addresses)}; unicornet's bind wins ({Describe(_boundAddresses)})");
        }

        _addresses.Addresses.Clear();
        foreach (string address in _boundAddresses)
        {
            _addresses.Addresses.Add(address);
        }

        var bridge = new Bridge<TContext>(application);
        _handler = bridge.ProcessAsync;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _handler = null;
        return Task.CompletedTask;
    }

    public void Dispose() => _handler = null;

    private Task HandleAsync(HttpContext context)
    {
        RequestDelegate? handler = _handler;
        if (handler is null)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return Task.CompletedTask;
        }

        return handler(context);
    }

    private static string Describe(IReadOnlyList<string> addresses) =>
        addresses.Count == 0 ? "the inherited listeners" : string.Join(", ", addresses);

    private sealed class ServerAddressesFeature : IServerAddressesFeature
    {
        public ICollection<string> Addresses { get; } = new List<string>();

        public bool PreferHostingUrls { get; set; }
    }

    /// <summary>One closed generic per host context type, so the per-request path has no reflection.</summary>
    private sealed class Bridge<TContext>
        where TContext : notnull
    {
        // Registered first, this callback runs last (engines fire OnCompleted in reverse order): the host's
        // context is disposed after the engine finished the response (OnStarting callbacks may still touch it)
        // and after the app's own OnCompleted callbacks, as in Kestrel. Static, so registering it allocates nothing.
        private static readonly Func<object, Task> s_complete = static state => ((BridgeRequest<TContext>)state).Complete();

        private readonly IHttpApplication<TContext> _application;

        public Bridge(IHttpApplication<TContext> application)
        {
            _application = application;
        }

        public Task ProcessAsync(HttpContext context)
        {
            // The host builds its own HttpContext over the same features: whatever the engine put in
            // the collection (request, response, body, connection, lifetime...) is what the app sees.
            IFeatureCollection features = context.Features;
            BridgeRequest<TContext> request = Rent(features);
            IHttpResponseFeature? response = features.Get<IHttpResponseFeature>();
            if (response is null)
            {
                return ProcessWithoutResponseFeatureAsync(request);
            }

            response.OnCompleted(s_complete, request);
            TContext hostContext = _application.CreateContext(request);
            request.Context = hostContext;
            Task task;
            try
            {
                task = _application.ProcessRequestAsync(hostContext);
            }
            catch (Exception ex)
            {
                request.Error = ex;
                throw;
            }

            // Most requests finish synchronously (the engine buffers the response): no state machine then.
            return task.IsCompletedSuccessfully ? Task.CompletedTask : AwaitRequestAsync(task, request);
        }

        /// <summary>
        /// The engine's connection keeps one request object (and through it the host's pooled context) for
        /// all its requests; any other caller (tests, an engine without the slot) gets a fresh one.
        /// </summary>
        private BridgeRequest<TContext> Rent(IFeatureCollection features)
        {
            BridgeRequest<TContext> request;
            if (features is IConnectionState connection)
            {
                if (connection.State is BridgeRequest<TContext> pooled)
                {
                    request = pooled;
                }
                else
                {
                    request = new BridgeRequest<TContext>(_application);
                    connection.State = request;
                }
            }
            else
            {
                request = new BridgeRequest<TContext>(_application);
            }

            request.Begin(features);
            return request;
        }

        private static async Task AwaitRequestAsync(Task task, BridgeRequest<TContext> request)
        {
            try
            {
                await task.ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                request.Error = ex;
                throw;
            }
        }

        private async Task ProcessWithoutResponseFeatureAsync(BridgeRequest<TContext> request)
        {
            request.Context = _application.CreateContext(request);
            try
            {
                await _application.ProcessRequestAsync(request.Context).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                request.Error = ex;
                throw;
            }
            finally
            {
                await request.Complete().ConfigureAwait(false);
            }
        }
    }
}
