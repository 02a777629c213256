using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Unicornet.IntegrationTests.Support;

/// <summary>
/// A real <c>unicornet</c> master started for one test: bound to a free 127.0.0.1 port, waited for
/// with a deadline, its output captured, and every process of its tree killed by pid on dispose.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly HashSet<int> _seen = [];

    private ServerProcess(Process process, int port, string directory)
    {
        _process = process;
        Port = port;
        Directory = directory;
    }

    public int Pid => _process.Id;

    public int Port { get; }

    /// <summary>A scratch directory for this server (config files, logs); deleted on dispose.</summary>
    public string Directory { get; }

    public Uri BaseUri => new($"http://127.0.0.1:{Port}/");

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the server printed so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts <c>unicornet ARGS -b 127.0.0.1:PORT</c> and waits until the port accepts connections
    /// (or, with <paramref name="waitForHttp"/>, until GET <paramref name="readyPath"/> answers).
    /// </summary>
    public static async Task<ServerProcess> StartAsync(
        IEnumerable<string> args,
        IDictionary<string, string?>? env = null,
        bool bind = true,
        bool waitForHttp = true,
        string readyPath = "/",
        TimeSpan? timeout = null,
        string? directory = null,
        string? workingDirectory = null)
    {
        directory ??= System.IO.Directory.CreateTempSubdirectory("unicornet-server-").FullName;
        int port = FreePort();
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? directory,
        };
        psi.ArgumentList.Add("exec");
        psi.ArgumentList.Add(Binaries.Unicornet);
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a.Replace("{PORT}", port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal).Replace("{DIR}", directory, StringComparison.Ordinal));
        }

        if (bind)
        {
            psi.ArgumentList.Add("-b");
            psi.ArgumentList.Add($"127.0.0.1:{port}");
        }

        foreach (string name in new[] { "UNICORNET_CMD_ARGS", "PORT", "WEB_CONCURRENCY", "UNICORNET_ROLE" })
        {
            psi.Environment.Remove(name);
        }

        psi.Environment["XDG_CACHE_HOME"] = Path.Combine(directory, "cache");
        psi.Environment["XDG_RUNTIME_DIR"] = directory;
        if (env is not null)
        {
            foreach ((string k, string? v) in env)
            {
                psi.Environment[k] = v;
            }
        }

        Process process = Process.Start(psi)!;
        var server = new ServerProcess(process, port, directory);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        if (waitForHttp)
        {
            try
            {
                await server.WaitUntilServingAsync(readyPath, timeout ?? TimeSpan.FromSeconds(60));
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }

        return server;
    }

    /// <summary>Waits until GET <paramref name="path"/> answers (any status), or throws with the server's output.</summary>
    public async Task WaitUntilServingAsync(string path, TimeSpan timeout)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        DateTime deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"unicornet exited with {_process.ExitCode} before serving:\n{Output}");
            }

            try
            {
                using HttpResponseMessage _ = await client.GetAsync(new Uri(BaseUri, path));
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                await Task.Delay(50);
            }
        }

        throw new TimeoutException($"unicornet did not serve {path} within {timeout}:\n{Output}");
    }

    /// <summary>Waits until the output contains <paramref name="text"/>.</summary>
    public async Task<bool> WaitForOutputAsync(string text, TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Output.Contains(text, StringComparison.Ordinal))
            {
                return true;
            }

            await Task.Delay(50);
        }

        return Output.Contains(text, StringComparison.Ordinal);
    }

    /// <summary>Sends a signal to the master.</summary>
    public void Signal(int signal) => Unicornet.Platform.Signals.Send(Pid, signal);

    /// <summary>Waits for the master to exit; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"unicornet did not exit within {timeout}:\n{Output}");
        }

        return _process.ExitCode;
    }

    /// <summary>The live processes below the master (workers, dirty arbiter, ...), direct children only unless <paramref name="recursive"/>.</summary>
    public IReadOnlyList<int> Children(bool recursive = false)
    {
        var result = new List<int>();
        var queue = new Queue<int>([Pid]);
        while (queue.Count > 0)
        {
            int parent = queue.Dequeue();
            foreach (int child in ChildrenOf(parent))
            {
                result.Add(child);
                _seen.Add(child);
                if (recursive)
                {
                    queue.Enqueue(child);
                }
            }
        }

        return result;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (int pid in Children(recursive: true).Concat(_seen).Append(Pid).Distinct())
        {
            try
            {
                Unicornet.Platform.Signals.Send(pid, Unicornet.Platform.Signals.SIGKILL);
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // Not ours any more, or already gone.
            }
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
        }

        _process.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    internal static IEnumerable<int> ChildrenOf(int pid)
    {
        var children = new List<int>();
        foreach (string dir in System.IO.Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int candidate))
            {
                continue;
            }

            try
            {
                string stat = File.ReadAllText(Path.Combine(dir, "stat"));
                // Fields after the command (which may contain spaces) start after the last ')'.
                string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture) == pid && fields[0] != "Z")
                {
                    children.Add(candidate);
                }
            }
            catch (IOException)
            {
            }
        }

        return children;
    }

    private static int FreePort()
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)s.LocalEndPoint!).Port;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Append(line).Append('\n');
        }
    }
}
