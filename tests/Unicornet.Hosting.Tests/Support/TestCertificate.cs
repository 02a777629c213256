using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Unicornet.Hosting.Tests.Support;

/// <summary>A self-signed certificate for 127.0.0.1/localhost written as PEM cert + key files.</summary>
internal sealed class TestCertificate : IDisposable
{
    public TestCertificate()
    {
        using RSA rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        Certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        Directory = System.IO.Directory.CreateTempSubdirectory("unicornet-tls-").FullName;
        CertFile = Path.Combine(Directory, "cert.pem");
        KeyFile = Path.Combine(Directory, "key.pem");
        File.WriteAllText(CertFile, Certificate.ExportCertificatePem());
        File.WriteAllText(KeyFile, rsa.ExportPkcs8PrivateKeyPem());
    }

    public X509Certificate2 Certificate { get; }

    public string Directory { get; }

    public string CertFile { get; }

    public string KeyFile { get; }

    public void Dispose()
    {
        Certificate.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
