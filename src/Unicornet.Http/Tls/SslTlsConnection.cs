using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http.Features;

namespace Unicornet.Http.Tls;

/// <summary>
/// One connection's TLS on <see cref="SslStream"/>, and the request's <see cref="ITlsConnectionFeature"/> (the
/// client certificate). The only engine type naming SslStream and X509 types: see <see cref="ITlsConnection"/>.
/// </summary>
internal sealed class SslTlsConnection : ITlsConnection, ITlsConnectionFeature
{
    private readonly SslStream _ssl;
    private readonly SslServerAuthenticationOptions _options;

    public SslTlsConnection(Stream inner, SslServerAuthenticationOptions options)
    {
        _ssl = new SslStream(inner, leaveInnerStreamOpen: false);
        _options = options;
    }

    public Stream Stream => _ssl;

    public object Feature => this;

    public async Task AuthenticateAsync()
    {
        try
        {
            await _ssl.AuthenticateAsServerAsync(_options).ConfigureAwait(false);
        }
        catch (AuthenticationException e)
        {
            // AuthenticationException lives in System.Net.Security: a catch for it in the connection's loop would
            // load that assembly into plain workers too.
            throw new IOException("TLS handshake failed: " + e.Message, e);
        }
    }

    X509Certificate2? ITlsConnectionFeature.ClientCertificate
    {
        get => _ssl.RemoteCertificate as X509Certificate2 ?? (_ssl.RemoteCertificate is X509Certificate c ? new X509Certificate2(c) : null);
        set => throw new NotSupportedException();
    }

    Task<X509Certificate2?> ITlsConnectionFeature.GetClientCertificateAsync(CancellationToken cancellationToken) =>
        Task.FromResult(((ITlsConnectionFeature)this).ClientCertificate);

    public void Dispose() => _ssl.Dispose();
}
