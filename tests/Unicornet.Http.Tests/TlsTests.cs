using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Unicornet.Http.Serving;
using Unicornet.Http.Tls;

namespace Unicornet.Http.Tests;

public sealed class TlsTests
{
    private static X509Certificate2 CreateCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using X509Certificate2 cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        // Round-trip through PKCS#12 so the private key is usable by SslStream on Linux.
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null);
    }

    [Theory]
    [InlineData(ServingLoopKind.Sync)]
    [InlineData(ServingLoopKind.Async)]
    public async Task Serves_https_with_a_self_signed_certificate(ServingLoopKind workerClass)
    {
        using X509Certificate2 cert = CreateCertificate();
        var options = DefaultServingOptions.Value with
        {
            Loop = workerClass,
            Tls = new TlsServer(new SslServerAuthenticationOptions { ServerCertificate = cert }),
        };
        await using var loop = new LoopHarness(options, ctx =>
        {
            bool tls = ctx.Features.Get<ITlsConnectionFeature>() is not null;
            byte[] body = Encoding.ASCII.GetBytes(ctx.Request.Scheme + " tls=" + tls);
            ctx.Response.ContentLength = body.Length;
            return ctx.Response.Body.WriteAsync(body).AsTask();
        });
        using Socket socket = loop.Connect();
        using var ssl = new SslStream(new NetworkStream(socket), false, (_, presented, _, _) => presented is not null && presented.GetCertHashString() == cert.GetCertHashString());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" }, timeout.Token);
        await ssl.WriteAsync("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"u8.ToArray(), timeout.Token);
        using var received = new MemoryStream();
        await ssl.CopyToAsync(received, timeout.Token);
        string response = Encoding.ASCII.GetString(received.ToArray());
        response.ShouldStartWith("HTTP/1.1 200 OK");
        response.ShouldEndWith("https tls=True");
    }
}
