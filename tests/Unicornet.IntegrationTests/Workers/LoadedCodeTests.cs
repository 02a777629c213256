using System.Net;
using Unicornet.IntegrationTests.Support;

namespace Unicornet.IntegrationTests.Workers;

/// <summary>
/// A worker loads only the code it uses (issue 15 §2): a plain-HTTP async worker serving the hello app maps
/// none of the TLS, JSON, Process or file-log assemblies, read from its /proc/PID/maps after it served; a
/// worker with certfile and an error log file does map them, so the check sees lazily loaded assemblies.
/// </summary>
[Collection("arbiter")]
public sealed class LoadedCodeTests
{
    // What a plain worker has no use for, with what used to load each:
    private static readonly string[] s_notInPlainWorker =
    [
        "System.Net.Security.dll", // SslStream and ITlsConnectionFeature on the engine's connection path
        "System.Diagnostics.Process.dll", // the boot log's start time
        "System.Text.Json.dll", // the config snapshot
        "System.Text.Encodings.Web.dll", // System.Text.Json's escaping
        "Serilog.Sinks.File.dll", // the error log's file sink, named beside the console one
        "System.Collections.Immutable.dll", // FrozenDictionary in the settings registry and the resolved config
    ];

    [Fact]
    public async Task A_plain_async_worker_maps_no_tls_json_process_or_file_log_assembly()
    {
        using ServerProcess server = await ServerProcess.StartAsync(["-k", "async", "-w", "1", "--no-control-socket", Examples.Dll("HelloApp") + ":App"]);
        server.WaitServing(1);
        int worker = server.WorkerPids()[0];
        server.TryGet("/", out string body).ShouldBe(200);
        body.ShouldBe("Hello, World!");

        HashSet<string> mapped = MappedAssemblies(worker);

        // The positive control: the same read sees what the worker does use.
        mapped.ShouldContain("System.Net.Sockets.dll");
        mapped.ShouldContain("Unicornet.Http.dll");
        foreach (string assembly in s_notInPlainWorker)
        {
            mapped.ShouldNotContain(assembly, $"the plain worker {worker} mapped {assembly}; it maps: {string.Join(", ", mapped.Order(StringComparer.Ordinal))}");
        }
    }

    [Fact]
    public async Task A_worker_with_tls_and_an_error_log_file_loads_them_and_serves_https()
    {
        string dir = Directory.CreateTempSubdirectory("unicornet-loaded-tls-").FullName;
        try
        {
            (string cert, string key) = SelfSigned.WritePem(dir);
            string errorLog = Path.Combine(dir, "error.log");
            await using ServerProcess tls = await ServerProcess.StartAsync(
                ["-k", "async", "-w", "1", "--no-control-socket", "--certfile", cert, "--keyfile", key, "--error-logfile", errorLog, Examples.Dll("HelloApp") + ":App"],
                waitForHttp: false);
            using var certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(cert, key);
            string thumbprint = certificate.GetCertHashString();
            using var handler = new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented is not null && presented.GetCertHashString() == thumbprint,
            };
            using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
            string? answer = null;
            await Eventually.UntilAsync(
                async () =>
                {
                    if (tls.HasExited)
                    {
                        throw new InvalidOperationException($"unicornet exited ({tls.Process.ExitCode}):\n{tls.Output}");
                    }

                    try
                    {
                        using HttpResponseMessage response = await client.GetAsync(new Uri($"https://127.0.0.1:{tls.Port}/"));
                        answer = response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadAsStringAsync() : null;
                        return answer is not null;
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                    {
                        return false;
                    }
                },
                TimeSpan.FromSeconds(60),
                "the worker to answer over https",
                () => tls.Output + (File.Exists(errorLog) ? File.ReadAllText(errorLog) : ""));
            answer.ShouldBe("Hello, World!");

            int worker = tls.WorkerPids().ShouldHaveSingleItem();
            HashSet<string> mapped = MappedAssemblies(worker);
            mapped.ShouldContain("System.Net.Security.dll");
            mapped.ShouldContain("Serilog.Sinks.File.dll");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The file names of the .dll files <paramref name="pid"/> has mapped.</summary>
    private static HashSet<string> MappedAssemblies(int pid)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (string line in File.ReadAllLines($"/proc/{pid}/maps"))
        {
            // address perms offset dev inode path: the path starts at the first '/' after the inode.
            int slash = line.IndexOf('/', StringComparison.Ordinal);
            if (slash < 0)
            {
                continue;
            }

            string path = line[slash..];
            if (path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            {
                names.Add(Path.GetFileName(path));
            }
        }

        return names;
    }
}
