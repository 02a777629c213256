using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.AspNetCore.Http;
using Unicornet.Http.Parsing;

namespace Unicornet.Hosting.Kestrel.HeadGuard;

/// <summary>
/// A connection middleware (after TLS and the PROXY header) that puts a <see cref="GuardedInput"/> between an
/// HTTP/1 connection and Kestrel, so the heads Kestrel would normalise before any request middleware sees them
/// (a signed Content-Length, Content-Length beside chunked, ...) are refused with the engine's 400 instead of
/// reaching the app. A connection on which ALPN chose h2 is left alone. A refusal is reported to the worker like
/// the engine's own (access log, post_request; not a started request) and logged once.
/// </summary>
internal sealed class HeadGuardMiddleware
{
    private readonly ConnectionDelegate _next;
    private readonly HeadRules _rules;
    private readonly RequestRefusals _refusals;
    private readonly ILog? _log;

    public HeadGuardMiddleware(ConnectionDelegate next, HeadRules rules, RequestRefusals refusals, ILog? log)
    {
        _next = next;
        _rules = rules;
        _refusals = refusals;
        _log = log;
    }

    public async Task OnConnectionAsync(ConnectionContext connection)
    {
        if (connection.Features.Get<ITlsApplicationProtocolFeature>() is { } alpn
            && alpn.ApplicationProtocol.Span.SequenceEqual(SslApplicationProtocol.Http2.Protocol.Span))
        {
            await _next(connection).ConfigureAwait(false);
            return;
        }

        IDuplexPipe transport = connection.Transport;
        var input = new GuardedInput(transport.Input, _rules, refusal => Refused(connection, refusal));
        connection.Transport = new GuardedTransport(input, transport.Output);
        try
        {
            await _next(connection).ConfigureAwait(false);
        }
        finally
        {
            connection.Transport = transport;
        }
    }

    private void Refused(ConnectionContext connection, HeadRefusal refusal)
    {
        _log?.HeadRefusedBeforeKestrel(refusal.Reason, connection.RemoteEndPoint?.ToString() ?? "-");
        var context = new DefaultHttpContext();
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        if (connection.RemoteEndPoint is IPEndPoint peer)
        {
            context.Connection.RemoteIpAddress = peer.Address;
            context.Connection.RemotePort = peer.Port;
        }

        _refusals.Report(context, StatusCodes.Status400BadRequest, new HttpParseException(refusal.Error, refusal.Reason));
    }

    private sealed class GuardedTransport(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
