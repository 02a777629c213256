using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace Unicornet.Http.Connection;

/// <summary>
/// Response trailers (HTTP/1.1 chunked bodies) and protocol upgrades (101 Switching Protocols, then the raw
/// connection as a duplex stream: how ASP.NET Core's WebSocket middleware runs over HTTP/1.1).
/// </summary>
internal sealed partial class Http1Connection
{
    private IHeaderDictionary? _responseTrailers;
    private bool _upgrading;

    private bool ResponseTrailersAllowed => _head.VersionMajor == 1 && _head.VersionMinor >= 1 && !_upgrading;

    private void ResetTrailersAndUpgrade()
    {
        _responseTrailers = null;
        _upgrading = false;
    }

    // ---- IHttpResponseTrailersFeature ---------------------------------------------------------------------

    IHeaderDictionary IHttpResponseTrailersFeature.Trailers
    {
        get => _responseTrailers ??= new HeaderDictionary();
        set => _responseTrailers = value;
    }

    /// <summary>An app that declared (a <c>Trailer</c> header) or set trailers gets a chunked body even if it never flushed.</summary>
    private bool TrailersDeclared(bool http10) => !http10 && (_responseHeaders.ContainsKey("Trailer") || _responseTrailers is { Count: > 0 });

    /// <summary>The last chunk, followed by the app's trailer fields (framing and hop-by-hop fields are never sent as trailers).</summary>
    private void AppendLastChunk()
    {
        IHeaderDictionary? trailers = _responseTrailers;
        if (trailers is HeaderDictionary own)
        {
            own.IsReadOnly = true;
        }

        if (trailers is null || trailers.Count == 0)
        {
            AppendRaw("0\r\n\r\n"u8);
            return;
        }

        var writer = new HeadWriter(256);
        try
        {
            writer.Write("0\r\n"u8);
            foreach (KeyValuePair<string, StringValues> trailer in trailers)
            {
                string name = trailer.Key;
                if (!Parsing.HttpChars.IsToken(name) || IsHopByHop(name) || IsForbiddenTrailer(name))
                {
                    continue;
                }

                foreach (string? value in trailer.Value)
                {
                    writer.WriteHeader(name, value ?? "");
                }
            }

            writer.Write("\r\n"u8);
            AppendRaw(writer.Written);
        }
        finally
        {
            writer.Dispose();
        }
    }

    private static bool IsForbiddenTrailer(string name) =>
        name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Content-Encoding", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Host", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Trailer", StringComparison.OrdinalIgnoreCase);

    // ---- IHttpUpgradeFeature ------------------------------------------------------------------------------

    bool IHttpUpgradeFeature.IsUpgradableRequest => IsUpgradableRequest;

    private bool IsUpgradableRequest =>
        _settings.AllowUpgrade && !_hasStarted && !_upgrading
        && _head.VersionMajor == 1 && _head.VersionMinor == 1 && !_head.HasBody
        && _requestHeaders.ContainsKey("Upgrade") && HasConnectionToken("upgrade");

    private bool HasConnectionToken(string token)
    {
        foreach (string? value in ((IHeaderDictionary)_requestHeaders).Connection)
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
        _upgrading = true;
        _statusCode = StatusCodes.Status101SwitchingProtocols;
        _reasonPhrase = "Switching Protocols";
        _outCount = 0;
        await StartResponseAsync().ConfigureAwait(false);
        _keepAlive = false;
        _bodyAllowed = false;
        await SendOutAsync(default).ConfigureAwait(false);
        await _stream.FlushAsync().ConfigureAwait(false);
        return new UpgradedStream(this);
    }

    /// <summary>Writes the 101 head's connection fields: the app's Upgrade value and Connection: Upgrade.</summary>
    private void WriteUpgradeFields(ref HeadWriter writer)
    {
        writer.Write("Connection: Upgrade\r\n"u8);
        if (_responseHeaders.TryGetValue("Upgrade", out StringValues upgrade) && upgrade.Count > 0)
        {
            writer.WriteHeader("Upgrade", upgrade.ToString());
        }
        else if (_requestHeaders.TryGetValue("Upgrade", out StringValues requested))
        {
            writer.WriteHeader("Upgrade", requested.ToString());
        }
    }

    /// <summary>Reads from the upgraded connection: bytes already buffered first (the client may send right after its request).</summary>
    internal async ValueTask<int> ReadUpgradedAsync(Memory<byte> destination, CancellationToken cancellationToken)
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

            if (_aborted || !await _input.FillAsync(cancellationToken).ConfigureAwait(false))
            {
                return 0;
            }
        }
    }

    internal ValueTask WriteUpgradedAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken) =>
        _stream.WriteAsync(source, cancellationToken);

    internal Task FlushUpgradedAsync(CancellationToken cancellationToken) => _stream.FlushAsync(cancellationToken);

    /// <summary>The connection after 101 Switching Protocols, as an opaque duplex stream.</summary>
    private sealed class UpgradedStream : Stream
    {
        private readonly Http1Connection _connection;

        public UpgradedStream(Http1Connection connection) => _connection = connection;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            _connection.ReadUpgradedAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            _connection.ReadUpgradedAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            _connection.WriteUpgradedAsync(buffer, cancellationToken);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            _connection.WriteUpgradedAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override Task FlushAsync(CancellationToken cancellationToken) => _connection.FlushUpgradedAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) =>
            _connection.ReadUpgradedAsync(buffer.AsMemory(offset, count), default).AsTask().GetAwaiter().GetResult();

        public override void Write(byte[] buffer, int offset, int count) =>
            _connection.WriteUpgradedAsync(buffer.AsMemory(offset, count), default).AsTask().GetAwaiter().GetResult();

        public override void Flush() => _connection.FlushUpgradedAsync(default).GetAwaiter().GetResult();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
