using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Unicornet.IntegrationTests.Support;

/// <summary>
/// A real nginx (Debian's package) in front of unicornet for one test: the config samples of config-samples/ with
/// their addresses replaced by the test's, inside a generated nginx.conf whose prefix, pid file, logs and temp paths
/// are in a scratch directory; run in the foreground as a child and killed (with its workers) by pid on dispose.
/// </summary>
internal sealed class NginxFront : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private NginxFront(string directory, Process process)
    {
        Directory = directory;
        _process = process;
    }

    /// <summary>The scratch directory (nginx's prefix): nginx.conf, error.log, temp paths.</summary>
    public string Directory { get; }

    public string ErrorLog => File.Exists(Path.Combine(Directory, "error.log")) ? File.ReadAllText(Path.Combine(Directory, "error.log")) : "";

    /// <summary>Why nginx tests cannot run here (null when they can): nginx absent on a dev machine. Under CI (<c>CI=true</c>) never: they fail instead.</summary>
    public static string? Missing { get; } = FindBinary() is null && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
        ? "nginx is not installed (apt-get install nginx-light); these tests need a real nginx"
        : null;

    /// <summary>The nginx binary; throws when it is absent (under CI, where <c>.ci/run</c> installs it).</summary>
    public static string Binary() =>
        FindBinary() ?? throw new InvalidOperationException("nginx is not installed: .ci/run installs it (apt-get install nginx-light)");

    private static string? FindBinary() =>
        new[] { "/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx" }.FirstOrDefault(File.Exists);

    /// <summary>A config sample's text with every <paramref name="replacements"/> key put in place; fails if a key is missing (the sample changed).</summary>
    public static string Sample(string name, IReadOnlyDictionary<string, string> replacements)
    {
        string text = File.ReadAllText(Path.Combine(Binaries.RepoRoot, "config-samples", name));
        foreach ((string from, string to) in replacements)
        {
            text.ShouldContain(from, customMessage: $"config-samples/{name} no longer has '{from}' for the tests to replace");
            text = text.Replace(from, to, StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>Starts nginx with <paramref name="httpBlocks"/> inside its http { }, and waits until each of <paramref name="ports"/> accepts.</summary>
    public static NginxFront Start(string directory, IEnumerable<string> httpBlocks, IEnumerable<int> ports)
    {
        string binary = Binary();
        System.IO.Directory.CreateDirectory(directory);
        var conf = new StringBuilder();

        // Started by root, nginx's workers would run as nobody, who cannot enter the tests' private scratch
        // directories (the Unix socket of the server behind it lives in one).
        if (Environment.UserName == "root")
        {
            conf.Append("user root;\n");
        }

        conf.Append(
            $$"""
            worker_processes 1;
            pid {{directory}}/nginx.pid;
            error_log {{directory}}/error.log warn;
            events { worker_connections 512; }
            http {
                access_log off;
                client_body_temp_path {{directory}}/client_body;
                proxy_temp_path {{directory}}/proxy;
                uwsgi_temp_path {{directory}}/uwsgi;
                fastcgi_temp_path {{directory}}/fastcgi;
                scgi_temp_path {{directory}}/scgi;

            """);
        int i = 0;
        foreach (string block in httpBlocks)
        {
            string file = Path.Combine(directory, $"site{i++}.conf");
            File.WriteAllText(file, block);
            conf.Append("    include ").Append(file).Append(";\n");
        }

        conf.Append("}\n");
        string confPath = Path.Combine(directory, "nginx.conf");
        File.WriteAllText(confPath, conf.ToString());

        var psi = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[] { "-p", directory, "-c", confPath, "-g", "daemon off;" })
        {
            psi.ArgumentList.Add(arg);
        }

        Process process = Process.Start(psi) ?? throw new InvalidOperationException("nginx did not start");
        var front = new NginxFront(directory, process);
        process.OutputDataReceived += (_, e) => front.Append(e.Data);
        process.ErrorDataReceived += (_, e) => front.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            foreach (int port in ports)
            {
                Eventually.Until(
                    () => process.HasExited ? throw new InvalidOperationException($"nginx exited ({process.ExitCode}):\n{front.Describe()}") : Accepts(port),
                    TimeSpan.FromSeconds(20),
                    $"nginx to listen on {port}",
                    front.Describe);
            }
        }
        catch
        {
            front.Dispose();
            throw;
        }

        return front;
    }

    /// <summary>What nginx printed and logged, for failure messages.</summary>
    public string Describe()
    {
        lock (_output)
        {
            return _output + ErrorLog;
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static bool Accepts(int port)
    {
        try
        {
            using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            s.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        ProcessTree.Kill(_process);
        _process.Dispose();
    }
}

/// <summary>A fact that needs a real nginx: skipped with the reason where nginx is absent, except under CI.</summary>
internal sealed class NginxFactAttribute : FactAttribute
{
    public NginxFactAttribute() => Skip = NginxFront.Missing;
}

/// <summary>A theory that needs a real nginx (see <see cref="NginxFactAttribute"/>).</summary>
internal sealed class NginxTheoryAttribute : TheoryAttribute
{
    public NginxTheoryAttribute() => Skip = NginxFront.Missing;
}
