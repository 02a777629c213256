using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Unicornet.Http.Parsing;

namespace Unicornet.Http.Connection;

/// <summary>
/// Protocol upgrades: 101 Switching Protocols, then the raw connection as a duplex stream (how ASP.NET Core's
/// WebSocket middleware runs over HTTP/1.1). Offered only where an upgraded connection may hold its task for as
/// long as it lives (the async class).
/// </summary>
internal sealed class Http1Upgrade : IHttpUpgradeFeature
{
    private readonly Http1Connection _connection;
    private readonly ConnectionSettings _settings;
    private readonly RequestHead _head;
    private readonly Http1Request _request;
    private readonly Http1Response _response;
    private readonly Http1OutputProducer _output;
    private readonly ConnectionInput _input;

    public Http1Upgrade(Http1Connection connection, ConnectionSettings settings, RequestHead head, Http1Request request, Http1Response response, Http1OutputProducer output)
    {
        _connection = connection;
        _settings = settings;
        _head = head;
        _request = request;
        _response = response;
        _output = output;
        _input = connection.Input;
    }

    bool IHttpUpgradeFeature.IsUpgradableRequest => IsUpgradableRequest;

    private bool IsUpgradableRequest =>
        _settings.AllowUpgrade && !_output.HeadWritten && !_response.IsUpgrading
        && _head.VersionMajor == 1 && _head.VersionMinor == 1 && !_head.HasBody
        && _request.Headers.ContainsKey("Upgrade") && HasConnectionToken("upgrade");

    private bool HasConnectionToken(string token)
    {
        foreach (string? value in ((IHeaderDictionary)_request.Headers).Connection)
        {
            if (value is null)
            {
                continue;
            }

            foreach (string part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (part.Equals(token, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }

    async Task<Stream> IHttpUpgradeFeature.UpgradeAsync()
    {
        if (!IsUpgradableRequest)
        {
            throw new InvalidOperationException("this request cannot be upgraded");
        }

        // From here on the connection belongs to the app: no keep-alive, no body framing, no 500 on failure.
        _response.BeginUpgrade();
        await _response.StartAsync().ConfigureAwait(false);
        _response.ForbidKeepAlive();
        _output.DisallowBody();
        await _output.SendAsync(default).ConfigureAwait(false);
        await _output.FlushStreamAsync(default).ConfigureAwait(false);
        return new UpgradedStream(this);
    }

    /// <summary>Reads from the upgraded connection: bytes already buffered first (the client may send right after its request).</summary>
    internal async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (destination.Length == 0)
        {
            return 0;
        }

        while (true)
        {
            int buffered = _input.Length;
            if (buffered > 0)
            {
                int n = Math.Min(buffered, destination.Length);
                _input.Span[..n].CopyTo(destination.Span);
                _input.Advance(n);
                return n;
            }

            if (_connection.IsAborted || !await _input.FillAsync(cancellationToken).ConfigureAwait(false))
            {
                return 0;
            }
        }
    }

    internal ValueTask WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken) =>
        _output.WriteDirectAsync(source, cancellationToken);

    internal Task FlushAsync(CancellationToken cancellationToken) => _output.FlushStreamAsync(cancellationToken);

    /// <summary>The connection after 101 Switching Protocols, as an opaque duplex stream.</summary>
    private sealed class UpgradedStream : Stream
    {
        private readonly Http1Upgrade _upgrade;

        public UpgradedStream(Http1Upgrade upgrade) => _upgrade = upgrade;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            _upgrade.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            _upgrade.ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            _upgrade.WriteAsync(buffer, cancellationToken);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            _upgrade.WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override Task FlushAsync(CancellationToken cancellationToken) => _upgrade.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) =>
            _upgrade.ReadAsync(buffer.AsMemory(offset, count), default).AsTask().GetAwaiter().GetResult();

        public override void Write(byte[] buffer, int offset, int count) =>
            _upgrade.WriteAsync(buffer.AsMemory(offset, count), default).AsTask().GetAwaiter().GetResult();

        public override void Flush() => _upgrade.FlushAsync(default).GetAwaiter().GetResult();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
