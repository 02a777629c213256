using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Unicornet.Http.Parsing;
using Unicornet.Http.Response;
using Unicornet.Http.Serving;

namespace Unicornet.Http.Connection;

internal sealed partial class Http1Connection
{
    private readonly HeaderDictionary _requestHeaders = new();
    private CancellationTokenSource? _requestAbortedSource;
    private bool _requestActive;
    private bool _expectContinuePending;
    private HttpParseException? _bodyError;
    private IPAddress? _remoteIp;
    private int _remotePort;

    /// <summary>Runs one request through the app. False = close the connection afterwards.</summary>
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> ProcessRequestAsync()
    {
        _requestNumber++;
        PrepareRequest();
        HttpContext context = _context is null ? (_context = new DefaultHttpContext(this)) : ReinitializeContext(_context);
        SemaphoreSlim? gate = _settings.RequestGate;
        if (gate is not null)
        {
            await gate.WaitAsync().ConfigureAwait(false);
        }

        Exception? error = null;
        try
        {
            _requestActive = true;
            try
            {
                // pre_request runs here: a failing hook answers 500 like a failing app.
                if (!_settings.Events.RequestStarting(context))
                {
                    StopRequested = true;
                    _settings.StopRequested?.Invoke();
                }

                bool watch = _body.IsComplete && _settings.DetectDisconnects;
                if (watch && !_settings.AppsRunOnPollThread)
                {
                    _input.StartBackgroundFill();
                }

                _holdFlushes = _settings.AppsRunOnPollThread;
                Task app = _settings.App(context);
                if (_holdFlushes)
                {
                    if (app.IsCompleted)
                    {
                        _holdFlushes = false;
                    }
                    else
                    {
                        await SendHeldFlushAsync().ConfigureAwait(false);
                    }
                }

                if (watch && !app.IsCompleted && !_upgrading)
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
                _holdFlushes = false;
                error = ex;
            }

            if (_bodyError is not null)
            {
                // A malformed body (or one over MaxRequestBodySize): the rest of the stream cannot be trusted.
                _keepAlive = false;
                _closeRequested = true;
                if (_bodyError.Status == 0)
                {
                    // gunicorn closes without a response for chunk framing errors and EOF.
                    error ??= _bodyError;
                    Abort();
                }
                else if (!_hasStarted)
                {
                    error ??= _bodyError;
                    SetErrorResponse(_bodyError.Status);
                    await CompleteResponseAsync().ConfigureAwait(false);
                }
            }

            if (_aborted)
            {
                // nothing more can be written
            }
            else if (error is null || !_hasStarted)
            {
                try
                {
                    if (error is not null)
                    {
                        SetErrorResponse(500);
                    }

                    await CompleteResponseAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (error is null && ex is InvalidOperationException)
                {
                    // Invalid response headers surface at commit: answer 500 instead.
                    error = ex;
                    if (!_hasStarted)
                    {
                        SetErrorResponse(500);
                        await CompleteResponseAsync().ConfigureAwait(false);
                    }
                }
            }
            else
            {
                // The response is half sent: the only honest signal left is to drop the connection.
                _keepAlive = false;
                Abort();
            }
        }
        catch (Exception ex)
        {
            // Finishing the response failed (the client went away mid-write): drop the connection, but still
            // run OnCompleted below; the bridge disposes the host's request context there.
            error ??= ex;
            _keepAlive = false;
            Abort();
        }
        finally
        {
            _requestActive = false;
            gate?.Release();
        }

        ReleaseOutput();
        await FireOnCompletedAsync().ConfigureAwait(false);
        try
        {
            _settings.Events.RequestCompleted(context, new RequestSummary(
                _statusCode, _bodyBytes, Stopwatch.GetElapsedTime(_requestStart), _head.Method + " " + _head.RawTarget + " " + _head.Protocol, error));
        }
        catch (Exception)
        {
            // post_request and access logging belong to the worker; their failure must not cost the connection.
        }

        bool keep = _keepAlive && !_aborted && !_closeRequested && !StopRequested && !_head.ShouldClose && _settings.KeepAlive;
        if (keep && !_body.IsComplete)
        {
            // A client still waiting for 100 Continue may never send the body: close rather than wait for it.
            keep = !_expectContinuePending && await DrainBodyAsync().ConfigureAwait(false);
        }

        return keep;
    }

    private HttpContext ReinitializeContext(DefaultHttpContext context)
    {
        context.Uninitialize();
        context.Initialize(this);
        return context;
    }

    private async ValueTask<bool> DrainBodyAsync()
    {
        if (_body.Remaining > _settings.MaxDrainBytes)
        {
            return false;
        }

        Deadline = Environment.TickCount64 + _settings.HeaderTimeoutMs;
        byte[] scratch = System.Buffers.ArrayPool<byte>.Shared.Rent(8192);
        try
        {
            long drained = 0;
            int n;
            while ((n = await _body.ReadAsync(scratch).ConfigureAwait(false)) > 0)
            {
                drained += n;
                if (drained > _settings.MaxDrainBytes)
                {
                    return false;
                }
            }

            return true;
        }
        catch (HttpParseException)
        {
            return false;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(scratch);
            Deadline = long.MaxValue;
        }
    }

    private void PrepareRequest()
    {
        ResetFeatureOverrides();
        _requestHeaders.Clear();
        foreach (KeyValuePair<string, string> header in _head.Headers)
        {
            if (_requestHeaders.TryGetValue(header.Key, out StringValues existing))
            {
                _requestHeaders[header.Key] = StringValues.Concat(existing, header.Value);
            }
            else
            {
                _requestHeaders[header.Key] = header.Value;
            }
        }

        _expectContinuePending = _head.ExpectContinue && _head.HasBody;
        _bodyError = null;
        _body.Reset(_head, _expectContinuePending ? SendContinueAsync : null);
        _method = _head.Method;
        _protocol = _head.Protocol;
        _rawTarget = _head.RawTarget;
        _scheme = _head.HeaderScheme ?? (_ssl is not null ? "https" : "http");
        _queryString = _head.Query.Length == 0 ? "" : "?" + _head.Query;
        string path = _head.RawTarget.Length > 0 && _head.RawTarget[0] == '/' ? _head.Path
            : _head.RawTarget.Contains("://", StringComparison.Ordinal) ? (_head.Path.Length == 0 ? "/" : _head.Path)
            : "";
        path = PathDecoder.Decode(path);
        string root = _settings.RootPath;
        if (root.Length > 0 && path.StartsWith(root, StringComparison.Ordinal) && (path.Length == root.Length || path[root.Length] == '/'))
        {
            _pathBase = root;
            _path = path[root.Length..];
        }
        else
        {
            _pathBase = "";
            _path = path;
        }

        _requestBody = _requestBodyStream;
        ResolveRemote();
        _traceIdentifier = null;
        _maxRequestBodySize = _settings.Options.MaxRequestBodySize;
        _requestAbortedSource?.Dispose();
        _requestAbortedSource = null;
        ResetResponse();
    }

    private void ResolveRemote()
    {
        _remoteIp = null;
        _remotePort = 0;
        if (RemoteEndPoint is IPEndPoint ip)
        {
            _remoteIp = ip.Address;
            _remotePort = ip.Port;
        }

        if (_proxyInfo is { ClientAddress: IPAddress client })
        {
            _remoteIp = client;
            _remotePort = _proxyInfo.ClientPort;
        }

        if (PeerTrusted && _requestHeaders.TryGetValue("X-Forwarded-For", out StringValues forwarded))
        {
            // Walk from the nearest hop outwards; the first hop we do not trust is the client.
            string joined = forwarded.ToString();
            IPAddress? chosen = null;
            string[] hops = joined.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            for (int i = hops.Length - 1; i >= 0; i--)
            {
                if (!IPAddress.TryParse(hops[i], out IPAddress? hop))
                {
                    break;
                }

                chosen = hop;
                if (!_settings.Parser.ForwardedAllowIps.Allows(hop) || _settings.Parser.ForwardedAllowIps.AllowsAll)
                {
                    break;
                }
            }

            if (chosen is not null)
            {
                _remoteIp = chosen;
                _remotePort = 0;
            }
        }
    }

    private async ValueTask SendContinueAsync()
    {
        if (!_expectContinuePending || _hasStarted)
        {
            return;
        }

        _expectContinuePending = false;
        await _stream.WriteAsync("HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray()).ConfigureAwait(false);
        await _stream.FlushAsync().ConfigureAwait(false);
    }

    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    internal async ValueTask<int> ReadBodyAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        _body.MaxBodySize = _maxRequestBodySize;
        int n;
        try
        {
            n = await _body.ReadAsync(destination, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpParseException ex)
        {
            _bodyError ??= ex;
            throw;
        }

        if (_body.IsComplete && _requestActive)
        {
            if (_head.Trailers.Count > 0)
            {
                SetTrailers();
            }

            if (_settings.DetectDisconnects)
            {
                _input.StartBackgroundFill();
            }
        }

        return n;
    }

    private void OnPeerClosed()
    {
        if (_requestActive)
        {
            CancelRequestAborted();
        }
    }

    private void CancelRequestAborted()
    {
        _requestAbortedCancelled = true;
        CancellationTokenSource? source = _requestAbortedSource;
        if (source is null)
        {
            return;
        }

        ThreadPool.UnsafeQueueUserWorkItem(
            static s =>
            {
                try
                {
                    s.Cancel();
                }
                catch (ObjectDisposedException)
                {
                    // the request already ended
                }
            },
            source,
            preferLocal: false);
    }
}
