namespace Unicornet.Http.Tls;

/// <summary>
/// The TLS side of one connection. The connection, request and feature code know TLS only through this
/// interface, whose members name no System.Net.Security or X509 type: the JIT resolves every type a method
/// names when it compiles it, so a plain-HTTP worker never loads those assemblies (about 1 MB of image and
/// loader heap in every worker) unless certfile is set.
/// </summary>
internal interface ITlsConnection : IDisposable
{
    /// <summary>The decrypted stream the connection reads and writes once <see cref="AuthenticateAsync"/> is done.</summary>
    Stream Stream { get; }

    /// <summary>
    /// The object the request's feature collection answers <c>ITlsConnectionFeature</c> with (the client's
    /// certificate); typed <see cref="object"/> so callers do not name the feature's X509 signatures.
    /// </summary>
    object Feature { get; }

    /// <summary>Runs the server side of the handshake; a failed handshake is an <see cref="IOException"/> (never an AuthenticationException, whose assembly the caller must not name).</summary>
    Task AuthenticateAsync();
}
