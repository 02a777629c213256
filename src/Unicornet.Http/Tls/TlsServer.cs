using System.Net.Security;
using System.Runtime.CompilerServices;

namespace Unicornet.Http.Tls;

/// <summary>
/// TLS for the engine's listeners (set when <c>certfile</c> is): the server options every connection's handshake
/// uses. Only this type and the connection it opens name System.Net.Security, so a worker without TLS never
/// loads it.
/// </summary>
public sealed class TlsServer
{
    /// <summary>Serves TLS with <paramref name="options"/> (the server certificate, client certificate rules, ciphers).</summary>
    public TlsServer(SslServerAuthenticationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
    }

    /// <summary>The options each connection's handshake uses.</summary>
    public SslServerAuthenticationOptions Options { get; }

    /// <summary>Wraps an accepted connection's stream; the handshake runs when the connection calls <see cref="ITlsConnection.AuthenticateAsync"/>.</summary>
    /// <remarks>Not inlined: the connection's loop would then name <see cref="SslTlsConnection"/>, and compiling it load System.Net.Security.</remarks>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal ITlsConnection Open(Stream inner) => new SslTlsConnection(inner, Options);
}
