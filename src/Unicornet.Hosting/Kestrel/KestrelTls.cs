using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Unicornet.Hosting.Kestrel;

/// <summary>Builds Kestrel's HTTPS options from certfile/keyfile/ca_certs/cert_reqs.</summary>
internal static class KestrelTls
{
    public static HttpsConnectionAdapterOptions Create(KestrelServingOptions options)
    {
        string certFile = options.CertFile ?? throw new InvalidOperationException("certfile is not set");
        X509Certificate2 certificate = LoadCertificate(certFile, options.KeyFile);
        var https = new HttpsConnectionAdapterOptions
        {
            ServerCertificate = certificate,
            ClientCertificateMode = options.CertReqs switch
            {
                >= 2 => ClientCertificateMode.RequireCertificate,
                1 => ClientCertificateMode.AllowCertificate,
                _ => ClientCertificateMode.NoCertificate,
            },
        };

        if (options.CertReqs > 0 && !string.IsNullOrEmpty(options.CaCerts))
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(options.CaCerts);
            https.ClientCertificateValidation = (cert, _, _) => ChainsTo(cert, roots);
        }

        return https;
    }

    private static X509Certificate2 LoadCertificate(string certFile, string? keyFile)
    {
        if (certFile.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || certFile.EndsWith(".p12", StringComparison.OrdinalIgnoreCase))
        {
            return X509CertificateLoader.LoadPkcs12FromFile(certFile, password: null);
        }

        return X509Certificate2.CreateFromPemFile(certFile, string.IsNullOrEmpty(keyFile) ? null : keyFile);
    }

    private static bool ChainsTo(X509Certificate2 certificate, X509Certificate2Collection roots)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

}
