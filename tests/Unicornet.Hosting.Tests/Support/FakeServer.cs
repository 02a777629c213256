using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Unicornet.Hosting.Tests.Support;

/// <summary>What a test sees of a response.</summary>
internal sealed record TestResponse(int Status, IHeaderDictionary Headers, string Body, Exception? Error);

/// <summary>
/// Stands in for unicornet's engine: builds a DefaultHttpContext over a FeatureCollection (request,
/// response, body, lifetime, connection features) and calls the app's request delegate, the way the
/// serving loops call LoadedApp.Handler.
/// </summary>
internal static class FakeServer
{
    public static async Task<TestResponse> SendAsync(RequestDelegate app, string method, string target, string? body = null, string? contentType = null)
    {
        int q = target.IndexOf('?', StringComparison.Ordinal);
        byte[] bodyBytes = body is null ? [] : Encoding.UTF8.GetBytes(body);
        var request = new HttpRequestFeature
        {
            Protocol = "HTTP/1.1",
            Scheme = "http",
            Method = method,
            PathBase = "",
            Path = q < 0 ? target : target[..q],
            QueryString = q < 0 ? "" : target[q..],
            RawTarget = target,
            Headers = new HeaderDictionary(),
            Body = new MemoryStream(bodyBytes),
        };
        request.Headers.Host = "localhost";
        if (body is not null)
        {
            request.Headers.ContentLength = bodyBytes.Length;
            request.Headers.ContentType = contentType ?? "application/json";
        }

        var responseBody = new MemoryStream();
        var response = new TestResponseFeature();
        var features = new FeatureCollection();
        features.Set<IHttpRequestFeature>(request);
        features.Set<IHttpResponseFeature>(response);
        features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(responseBody));
        features.Set<IHttpRequestLifetimeFeature>(new HttpRequestLifetimeFeature());
        features.Set<IHttpRequestBodyDetectionFeature>(new BodyDetection(body is not null));
        features.Set<IHttpConnectionFeature>(new HttpConnectionFeature
        {
            ConnectionId = Guid.NewGuid().ToString("N"),
            LocalIpAddress = System.Net.IPAddress.Loopback,
            RemoteIpAddress = System.Net.IPAddress.Loopback,
            LocalPort = 8000,
            RemotePort = 40000,
        });

        var context = new DefaultHttpContext(features);
        Exception? error = null;
        try
        {
            await app(context).WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (Exception ex) when (ex is not TimeoutException)
        {
            error = ex;
            if (!response.HasStarted)
            {
                response.StatusCode = 500;
            }
        }

        await response.FireOnStartingAsync();
        await response.FireOnCompletedAsync();
        return new TestResponse(response.StatusCode, response.Headers, Encoding.UTF8.GetString(responseBody.ToArray()), error);
    }

    private sealed class BodyDetection(bool canHaveBody) : IHttpRequestBodyDetectionFeature
    {
        public bool CanHaveBody => canHaveBody;
    }

    private sealed class TestResponseFeature : IHttpResponseFeature
    {
        private readonly List<(Func<object, Task> Callback, object State)> _onStarting = [];
        private readonly List<(Func<object, Task> Callback, object State)> _onCompleted = [];

        public int StatusCode { get; set; } = 200;

        public string? ReasonPhrase { get; set; }

        public IHeaderDictionary Headers { get; set; } = new HeaderDictionary();

        public Stream Body { get; set; } = Stream.Null;

        public bool HasStarted { get; private set; }

        public void OnStarting(Func<object, Task> callback, object state) => _onStarting.Insert(0, (callback, state));

        public void OnCompleted(Func<object, Task> callback, object state) => _onCompleted.Insert(0, (callback, state));

        public async Task FireOnStartingAsync()
        {
            if (HasStarted)
            {
                return;
            }

            HasStarted = true;
            foreach ((Func<object, Task> callback, object state) in _onStarting)
            {
                await callback(state);
            }
        }

        public async Task FireOnCompletedAsync()
        {
            foreach ((Func<object, Task> callback, object state) in _onCompleted)
            {
                await callback(state);
            }
        }
    }
}
