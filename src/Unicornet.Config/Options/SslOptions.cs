namespace Unicornet.Config.Options;

/// <summary>TLS, on when <see cref="CertFile"/> is set.</summary>
public sealed record SslOptions
{
    /// <summary>True when <c>certfile</c> is set.</summary>
    public bool Enabled => CertFile is not null;

    /// <summary><c>certfile</c>, null when unset or empty.</summary>
    public required string? CertFile { get; init; }

    /// <summary><c>keyfile</c>, null when unset.</summary>
    public required string? KeyFile { get; init; }

    /// <summary><c>ca_certs</c>, null when unset or empty.</summary>
    public required string? CaCerts { get; init; }

    /// <summary><c>cert_reqs</c>.</summary>
    public required ClientCertificateRequirement CertReqs { get; init; }

    /// <summary><c>ciphers</c>, null when unset or empty.</summary>
    public required string? Ciphers { get; init; }

    /// <summary>
    /// <c>do_handshake_on_connect</c>, kept for gunicorn's vocabulary and shown by <c>--print-config</c>. No
    /// worker reads it: the engine always runs the handshake in the connection's own task right after accept,
    /// which is what the setting asks for and never holds up another connection.
    /// </summary>
    public required bool DoHandshakeOnConnect { get; init; }

    /// <summary><c>suppress_ragged_eofs</c>.</summary>
    public required bool SuppressRaggedEofs { get; init; }
}
