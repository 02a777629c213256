using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Unicornet.Http.Parsing;
using Unicornet.Http.Serving;

namespace Unicornet.Hosting.Kestrel;

/// <summary>
/// <c>proxy_protocol</c> on the kestrel class: a connection middleware that reads the PROXY v1/v2 header off the
/// transport with the engine's own <see cref="ProxyProtocolParser"/> before Kestrel (or its TLS handshake) sees a byte,
/// and makes the proxied client the connection's remote end point. A peer outside <c>proxy_allow_ips</c> that sends
/// one gets the engine's 403, a malformed header its 400, an early EOF a silent close; none reaches HTTP.
/// </summary>
internal sealed class ProxyProtocolMiddleware
{
    /// <summary>The longest PROXY header: v2's 16 fixed bytes and a 16-bit length.</summary>
    private const int MaxHeader = 16 + ushort.MaxValue;

    private readonly ConnectionDelegate _next;
    private readonly ProxyProtocolMode _mode;
    private readonly IpAllowList _allowed;
    private readonly TimeSpan _timeout;

    public ProxyProtocolMiddleware(ConnectionDelegate next, ProxyProtocolMode mode, IpAllowList allowed, TimeSpan timeout)
    {
        _next = next;
        _mode = mode;
        _allowed = allowed;
        _timeout = timeout;
    }

    public async Task OnConnectionAsync(ConnectionContext connection)
    {
        EndPoint? peer = connection.RemoteEndPoint;
        ProxyInfo? info;
        try
        {
            info = await ReadHeaderAsync(connection, _allowed.Allows((peer as IPEndPoint)?.Address)).ConfigureAwait(false);
        }
        catch (HttpParseException ex)
        {
            await RefuseAsync(connection.Transport.Output, ex).ConfigureAwait(false);
            return;
        }
        catch (OperationCanceledException)
        {
            // The header did not arrive within the header timeout, or the connection closed: nothing to answer.
            return;
        }

        // forwarded_allow_ips keeps judging the real peer (the proxy), as the engine's parser does.
        connection.Features.Set<IProxiedConnectionFeature>(new ProxiedConnectionFeature(peer, info));
        if (info is { ClientAddress: IPAddress client })
        {
            connection.RemoteEndPoint = new IPEndPoint(client, info.ClientPort);
        }

        await _next(connection).ConfigureAwait(false);
    }

    /// <summary>Consumes the PROXY header (null when the connection starts with something else, which is left unread).</summary>
    private async Task<ProxyInfo?> ReadHeaderAsync(ConnectionContext connection, bool peerAllowed)
    {
        PipeReader input = connection.Transport.Input;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed);
        deadline.CancelAfter(_timeout);
        byte[]? copy = null;
        try
        {
            while (true)
            {
                ReadResult read = await input.ReadAsync(deadline.Token).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = read.Buffer;
                ReadOnlySequence<byte> window = buffer.Length > MaxHeader ? buffer.Slice(0, MaxHeader) : buffer;
                ReadOnlySpan<byte> data;
                if (window.IsSingleSegment)
                {
                    data = window.FirstSpan;
                }
                else
                {
                    if (copy is null || copy.Length < window.Length)
                    {
                        if (copy is not null)
                        {
                            ArrayPool<byte>.Shared.Return(copy);
                        }

                        copy = ArrayPool<byte>.Shared.Rent((int)window.Length);
                    }

                    window.CopyTo(copy);
                    data = copy.AsSpan(0, (int)window.Length);
                }

                bool eof = read.IsCompleted || read.IsCanceled;
                if (ProxyProtocolParser.TryParse(data, eof, _mode, peerAllowed, out int consumed, out ProxyInfo? info))
                {
                    // Examined = consumed: what follows the header is handed to Kestrel without waiting for more bytes.
                    input.AdvanceTo(buffer.GetPosition(consumed));
                    return info;
                }

                input.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        finally
        {
            if (copy is not null)
            {
                ArrayPool<byte>.Shared.Return(copy);
            }
        }
    }

    private static async Task RefuseAsync(PipeWriter output, HttpParseException ex)
    {
        if (ex.Status == 0)
        {
            return;
        }

        try
        {
            await output.WriteAsync(ex.ToResponse()).ConfigureAwait(false);
            await output.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or OperationCanceledException)
        {
            // the peer is gone
        }
    }
}

/// <summary>What the PROXY header of a kestrel-class connection said, and who really sent it.</summary>
internal interface IProxiedConnectionFeature
{
    /// <summary>The transport's own peer (the proxy), which <c>forwarded_allow_ips</c> judges.</summary>
    EndPoint? Peer { get; }

    /// <summary>The parsed header; null when the connection did not start with one.</summary>
    ProxyInfo? Info { get; }
}

internal sealed record ProxiedConnectionFeature(EndPoint? Peer, ProxyInfo? Info) : IProxiedConnectionFeature;
