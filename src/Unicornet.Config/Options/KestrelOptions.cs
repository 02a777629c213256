namespace Unicornet.Config.Options;

/// <summary>The protocols and HTTP/2 limits the kestrel worker class serves with.</summary>
public sealed record KestrelOptions
{
    /// <summary><c>http_protocols</c> in order of preference (<c>h1</c>, <c>h2</c>).</summary>
    public required IReadOnlyList<string> HttpProtocols { get; init; }

    /// <summary><c>http2_cleartext</c>.</summary>
    public required Http2CleartextMode Http2Cleartext { get; init; }

    /// <summary><c>http2_max_concurrent_streams</c>.</summary>
    public required int Http2MaxConcurrentStreams { get; init; }

    /// <summary><c>http2_initial_window_size</c>.</summary>
    public required int Http2InitialWindowSize { get; init; }

    /// <summary><c>http2_max_frame_size</c>.</summary>
    public required int Http2MaxFrameSize { get; init; }

    /// <summary><c>http2_max_header_list_size</c> (0 = unlimited).</summary>
    public required int Http2MaxHeaderListSize { get; init; }
}
