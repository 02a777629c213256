using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using Unicornet.Config;
using Unicornet.Config.Hooks;
using Unicornet.Http.Tls;

namespace Unicornet.Workers;

/// <summary>
/// TLS for the engine's worker classes from <c>certfile</c>, <c>keyfile</c>, <c>ca_certs</c>,
/// <c>cert_reqs</c> and <c>ciphers</c>. The <c>ssl_context</c> hook gets the default factory and
/// may return changed options; it runs once per worker, not per connection as in gunicorn.
/// </summary>
internal static class TlsOptions
{
    /// <summary>The engine's TLS when <c>certfile</c> is set; null for plain HTTP.</summary>
    public static TlsServer? From(UnicornetConfig config, HookSet hooks, ILog log)
    {
        string? certFile = config.Options.Ssl.CertFile;
        return string.IsNullOrEmpty(certFile) ? null : Build(config, hooks, log);
    }

    // Not inlined: compiling a method resolves every type it names, and this one names SslServerAuthenticationOptions
    // (its hook call and lambdas); kept apart, a worker without certfile never loads System.Net.Security.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static TlsServer Build(UnicornetConfig config, HookSet hooks, ILog log) =>
        new(hooks.Call(HookNames.SslContext, () => Default(config, log), config, (Func<SslServerAuthenticationOptions>)(() => Default(config, log))));

    private static SslServerAuthenticationOptions Default(UnicornetConfig config, ILog log)
    {
        string certFile = config.Options.Ssl.CertFile!;
        string? keyFile = config.Options.Ssl.KeyFile;
        X509Certificate2 certificate = X509Certificate2.CreateFromPemFile(certFile, keyFile);
        int certReqs = (int)config.Options.Ssl.CertReqs;
        X509Certificate2Collection? trusted = null;
        if (config.Options.Ssl.CaCerts is { Length: > 0 } caFile)
        {
            trusted = [];
            trusted.ImportFromPemFile(caFile);
        }

        var options = new SslServerAuthenticationOptions
        {
            ServerCertificate = certificate,
            ClientCertificateRequired = certReqs > 0,
            ApplicationProtocols = [SslApplicationProtocol.Http11],
            RemoteCertificateValidationCallback = (_, cert, chain, errors) => ValidateClient(certReqs, trusted, cert, errors),
        };

        if (config.Options.Ssl.Ciphers is { Length: > 0 } ciphers)
        {
            var suites = new List<TlsCipherSuite>();
            foreach (string name in ciphers.Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (Enum.TryParse(name, ignoreCase: false, out TlsCipherSuite suite))
                {
                    suites.Add(suite);
                }
                else
                {
                    log.UnknownCipher(name);
                }
            }

            if (suites.Count > 0 && OperatingSystem.IsLinux())
            {
                options.CipherSuitesPolicy = new CipherSuitesPolicy(suites);
            }
        }

        return options;
    }

    private static bool ValidateClient(int certReqs, X509Certificate2Collection? trusted, X509Certificate? cert, SslPolicyErrors errors)
    {
        if (cert is null)
        {
            return certReqs < 2;
        }

        if (trusted is null)
        {
            return errors == SslPolicyErrors.None;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(cert as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(cert.GetRawCertData()));
    }
}
