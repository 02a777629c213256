using Unicornet.IntegrationTests.Support;

namespace Unicornet.IntegrationTests.Serving;

/// <summary>HTTP/2 and TLS on the kestrel worker class, with real clients (curl, h2load, HttpClient).</summary>
public sealed class KestrelProtocolTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static CommandResult Tool(string file, params string[] args) => CommandRunner.RunFile(file, args, timeout: Deadline);

    [Fact]
    public async Task H2c_prior_knowledge_with_curl_and_h2load()
    {
        await using ServerProcess server = await ServerProcess.StartAsync(
            ["-k", "kestrel", "-w", "2", "--no-control-socket", "--http-protocols", "h2", "--http2-cleartext", "prior-knowledge", Examples.Dll("HelloApp") + ":App"],
            waitForHttp: false);
        WaitForH2(server);

        CommandResult curl = Tool("curl", "-sS", "--http2-prior-knowledge", "-o", "-", "-w", "\n%{http_version}", server.BaseUri.ToString());
        curl.ExitCode.ShouldBe(0, curl.Output);
        curl.StdOut.ShouldBe("Hello, World!\n2");

        CommandResult h2load = Tool("h2load", "-n", "200", "-c", "4", "-m", "4", server.BaseUri.ToString());
        h2load.ExitCode.ShouldBe(0, h2load.Output);
        h2load.StdOut.ShouldContain("200 succeeded, 0 failed, 0 errored");
        h2load.StdOut.ShouldContain("status codes: 200 2xx");
    }

    [Fact]
    public async Task Tls_with_a_self_signed_certificate_negotiates_h2_and_http11()
    {
        string dir = Directory.CreateTempSubdirectory("unicornet-tls-").FullName;
        try
        {
            (string cert, string key) = SelfSigned.WritePem(dir);
            await using ServerProcess server = await ServerProcess.StartAsync(
                ["-k", "kestrel", "-w", "1", "--no-control-socket", "--certfile", cert, "--keyfile", key, "--http-protocols", "h2,h1", Examples.Dll("HelloApp") + ":App"],
                waitForHttp: false);
            string url = $"https://127.0.0.1:{server.Port}/";
            WaitForTls(server, url);

            CommandResult h2 = Tool("curl", "-sS", "-k", "--http2", "-o", "-", "-w", "\n%{http_version}", url);
            h2.ExitCode.ShouldBe(0, h2.Output);
            h2.StdOut.ShouldBe("Hello, World!\n2");

            CommandResult h1 = Tool("curl", "-sS", "-k", "--http1.1", "-o", "-", "-w", "\n%{http_version}", url);
            h1.StdOut.ShouldBe("Hello, World!\n1.1");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static void WaitForH2(ServerProcess server) =>
        server.WaitFor(() => Tool("curl", "-s", "--http2-prior-knowledge", "-o", "/dev/null", server.BaseUri.ToString()).ExitCode == 0, Deadline, "an h2c answer");

    private static void WaitForTls(ServerProcess server, string url) =>
        server.WaitFor(() => Tool("curl", "-s", "-k", "-o", "/dev/null", url).ExitCode == 0, Deadline, "a TLS answer");
}
