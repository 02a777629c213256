using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Unicornet.Http.Parsing;
using Unicornet.Http.Serving;
using Unicornet.Http.Tls;

namespace Unicornet.Http.Connection;

/// <summary>
/// Runs one request of a connection through the app: takes the parsed head into the request's parts, runs the
/// app (pre_request first, flushes held while it runs on the poll thread), ends the response however the app
/// ended (a body error, a throw, a half-sent response), reports it, and says whether the connection stays open.
/// Owns the parts of the exchange, built once per connection and reused for every request.
/// </summary>
internal sealed class Http1RequestProcessor : IDisposable
{
    private readonly Http1Connection _connection;
    private readonly ConnectionSettings _settings;
    private readonly RequestHead _head;
    private readonly ConnectionInput _input;
    private readonly Http1OutputProducer _output;
    private readonly Http1RequestBody _body;
    private readonly Http1Request _request;
    private readonly Http1Response _response;
    private readonly Http1Features _features;
    private DefaultHttpContext? _context;

    // What the app (or pre_request, or a malformed body) threw during the running request; the first one counts.
    private Exception? _error;

    public Http1RequestProcessor(Http1Connection connection, ConnectionSettings settings, RequestHead head, ConnectionInput input, Stream stream, ITlsConnection? tls)
    {
        _connection = connection;
        _settings = settings;
        _head = head;
        _input = input;
        _output = new Http1OutputProducer(connection, stream);
        _body = new Http1RequestBody(connection, settings, head, input, _output);
        _request = new Http1Request(connection, settings, head, tls, _body);
        _response = new Http1Response(connection, settings, head, _request, _body, _output);
        _features = new Http1Features(settings, _request, _body, _response);
    }

    public Http1Request Request => _request;

    public Http1OutputProducer Output => _output;

    /// <summary>The connection is done: returns the output buffers and releases the request and response.</summary>
    public void Dispose()
    {
        _output.Release();
        _request.Dispose();
        _response.Dispose();
    }

    /// <summary>Runs the request whose head was just parsed. False = close the connection afterwards.</summary>
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> ProcessAsync()
    {
        HttpContext context = BeginRequest();
        SemaphoreSlim? gate = _settings.RequestGate;
        if (gate is not null)
        {
            await gate.WaitAsync().ConfigureAwait(false);
        }

        try
        {
            _connection.RequestActive = true;
            await RunAppAsync(context).ConfigureAwait(false);
            if (_body.Error is HttpParseException bodyError && EndForBodyError(bodyError))
            {
                await _response.CompleteAsync().ConfigureAwait(false);
            }

            if (_connection.IsAborted)
            {
                // nothing more can be written
            }
            else if (_error is null || !_output.HeadWritten)
            {
                await CompleteResponseAsync().ConfigureAwait(false);
            }
            else
            {
                // The response is half sent: the only honest signal left is to drop the connection.
                _response.ForbidKeepAlive();
                _connection.Abort();
            }
        }
        catch (Exception ex)
        {
            // Finishing the response failed (the client went away mid-write): drop the connection, but still
            // run OnCompleted below; the bridge disposes the host's request context there.
            _error ??= ex;
            _response.ForbidKeepAlive();
            _connection.Abort();
        }
        finally
        {
            _connection.RequestActive = false;
            gate?.Release();
        }

        _output.Release();
        await _response.FireOnCompletedAsync().ConfigureAwait(false);
        Report(context);
        bool keep = _response.KeepAlive && !_connection.IsAborted && _connection.MayServeAnother && !_head.ShouldClose && _settings.KeepAlive;
        if (keep && !_body.IsComplete)
        {
            // A client still waiting for 100 Continue may never send the body: close rather than wait for it.
            keep = !_body.ExpectContinuePending && await _body.DrainAsync().ConfigureAwait(false);
        }

        return keep;
    }

    private HttpContext BeginRequest()
    {
        _error = null;
        _features.Reset();
        _request.Begin();
        _body.Begin();
        _response.Reset();
        if (_context is null)
        {
            return _context = new DefaultHttpContext(_features);
        }

        _context.Uninitialize();
        _context.Initialize(_features);
        return _context;
    }

    /// <summary>pre_request, then the app. What either throws is the request's error: a failing hook answers 500 like a failing app.</summary>
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask RunAppAsync(HttpContext context)
    {
        try
        {
            if (!_settings.Events.RequestStarting(context))
            {
                _connection.StopAfterThisRequest();
            }

            bool watch = _body.IsComplete && _settings.DetectDisconnects;
            if (watch && !_settings.AppsRunOnPollThread)
            {
                _input.StartBackgroundFill();
            }

            _output.HoldFlushes = _settings.AppsRunOnPollThread;
            Task app = _settings.App(context);
            if (_output.HoldFlushes)
            {
                if (app.IsCompleted)
                {
                    _output.HoldFlushes = false;
                }
                else
                {
                    await _output.SendHeldFlushAsync().ConfigureAwait(false);
                }
            }

            if (watch && !app.IsCompleted && !_response.IsUpgrading)
            {
                // Only an app that is still running can be told its client left (RequestAborted). One that
                // finished synchronously needs no read ahead: measured, that read cost a syscall per request
                // and, with Connection: close, an aborted pending read whose completion woke a pool thread.
                _input.StartBackgroundFill();
            }

            await app.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // An app that threw before returning its task left flushes held: nothing runs concurrently now.
            _output.HoldFlushes = false;
            _error = ex;
        }
    }

    /// <summary>
    /// A malformed body (or one over MaxRequestBodySize): the rest of the stream cannot be trusted, so the connection
    /// closes. True = answer the body's error status now (nothing of the response was sent yet).
    /// </summary>
    private bool EndForBodyError(HttpParseException bodyError)
    {
        _response.ForbidKeepAlive();
        _connection.CloseAfterThisRequest();
        if (bodyError.Status == 0)
        {
            // gunicorn closes without a response for chunk framing errors and EOF.
            _error ??= bodyError;
            _connection.Abort();
            return false;
        }

        if (_output.HeadWritten)
        {
            return false;
        }

        _error ??= bodyError;
        _response.SetErrorResponse(bodyError.Status);
        return true;
    }

    /// <summary>Ends the response: the app's, or a 500 when it threw before starting one.</summary>
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask CompleteResponseAsync()
    {
        try
        {
            if (_error is not null)
            {
                _response.SetErrorResponse(500);
            }

            await _response.CompleteAsync().ConfigureAwait(false);
        }
        catch (InvalidOperationException ex) when (_error is null)
        {
            // Invalid response headers surface at commit: answer 500 instead.
            _error = ex;
            if (!_output.HeadWritten)
            {
                _response.SetErrorResponse(500);
                await _response.CompleteAsync().ConfigureAwait(false);
            }
        }
    }

    private void Report(HttpContext context)
    {
        Exception? error = _error;
        _error = null;
        try
        {
            _settings.Events.RequestCompleted(context, new RequestSummary(
                _response.StatusCode, _output.BodyBytes, Stopwatch.GetElapsedTime(_connection.RequestStart), _head.Method + " " + _head.RawTarget + " " + _head.Protocol, error));
        }
        catch (Exception)
        {
            // post_request and access logging belong to the worker; their failure must not cost the connection.
        }
    }
}
