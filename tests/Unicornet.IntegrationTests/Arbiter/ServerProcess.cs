using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Unicornet.IntegrationTests.Support;
using Unicornet.Platform;

namespace Unicornet.IntegrationTests.Arbiter;

/// <summary>
/// A real `unicornet` master serving the test app on 127.0.0.1:free-port from a temp directory.
/// Collects the output, sends signals, finds the worker pids through /proc, and kills the master and
/// every descendant by pid on Dispose.
/// </summary>
internal sealed class ServerProcess : IDisposable
{
    private readonly StringBuilder _output = new();
    private readonly HashSet<int> _seen = [];
    private Process? _process;

    public ServerProcess()
    {
        Dir = Directory.CreateTempSubdirectory("unicornet-arbiter-").FullName;
        Port = FreePort();
    }

    public string Dir { get; }

    public int Port { get; }

    public int Pid => _process?.Id ?? 0;

    public Process Process => _process!;

    /// <summary>Applied to the start info last: extra environment, or a wrapper such as <see cref="RunThroughBash"/>.</summary>
    public Action<ProcessStartInfo>? Customize { get; set; }

    /// <summary>
    /// Starts the server as <c>bash -c "SETUP; exec dotnet ..."</c>: what exec keeps (ignored signals, fds,
    /// the pid for LISTEN_PID) is how a supervisor's setup reaches the master.
    /// </summary>
    public void RunThroughBash(string setup) => Customize = psi =>
    {
        List<string> original = [.. psi.ArgumentList];
        psi.FileName = "/bin/bash";
        psi.ArgumentList.Clear();
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(setup + "; exec dotnet \"$@\"");
        psi.ArgumentList.Add("bash");
        original.ForEach(psi.ArgumentList.Add);
    };

    /// <summary>GET / with Connection: close over a raw socket to <paramref name="endPoint"/>; the whole response, or "" when nothing answers.</summary>
    public static string RawGet(EndPoint endPoint)
    {
        try
        {
            using var s = new Socket(endPoint.AddressFamily, SocketType.Stream, endPoint.AddressFamily == AddressFamily.Unix ? ProtocolType.Unspecified : ProtocolType.Tcp);
            s.ReceiveTimeout = 10000;
            s.SendTimeout = 10000;
            s.Connect(endPoint);
            s.Send("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"u8);
            var response = new StringBuilder();
            var buffer = new byte[4096];
            int n;
            while ((n = s.Receive(buffer)) > 0)
            {
                response.Append(Encoding.ASCII.GetString(buffer, 0, n));
            }

            return response.ToString();
        }
        catch (SocketException)
        {
            return "";
        }
    }

    public static string TestAppPath { get; } = FindTestApp();

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

    public string WriteFile(string name, string content)
    {
        string path = Path.Combine(Dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Starts `unicornet ARGS -b 127.0.0.1:PORT TestApp.dll:App.Invoke`.</summary>
    public ServerProcess Start(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Dir,
        };
        psi.ArgumentList.Add("exec");
        psi.ArgumentList.Add(Binaries.Unicornet);
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.ArgumentList.Add("-b");
        psi.ArgumentList.Add("127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture));
        psi.ArgumentList.Add(TestAppPath + ":App.Invoke");
        foreach (string v in new[] { "UNICORNET_CMD_ARGS", "PORT", "WEB_CONCURRENCY", "UNICORNET_ROLE", "UNICORNET_PID", "UNICORNET_FDS" })
        {
            psi.Environment.Remove(v);
        }

        psi.Environment["XDG_CACHE_HOME"] = Path.Combine(Dir, "cache");
        Customize?.Invoke(psi);
        _process = Process.Start(psi)!;
        _seen.Add(_process.Id);
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        return this;
    }

    /// <summary>Waits until GET / answers 200 and <paramref name="workers"/> workers run.</summary>
    public void WaitServing(int workers, TimeSpan? timeout = null)
    {
        WaitFor(() => WorkerPids().Count == workers && TryGet("/", out _) == 200, timeout ?? TimeSpan.FromSeconds(60), $"{workers} serving worker(s)");
    }

    public void WaitFor(Func<bool> condition, TimeSpan timeout, string what)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < timeout)
        {
            if (condition())
            {
                return;
            }

            if (_process!.HasExited)
            {
                throw new InvalidOperationException($"unicornet exited ({_process.ExitCode}) while waiting for {what}:\n{Output}");
            }

            Thread.Sleep(100);
        }

        throw new TimeoutException($"timed out waiting for {what}:\n{Output}");
    }

    public void WaitForLog(string text, TimeSpan timeout) => WaitFor(() => Output.Contains(text, StringComparison.Ordinal), timeout, $"log line '{text}'");

    public int WaitExit(TimeSpan timeout)
    {
        if (!_process!.WaitForExit((int)timeout.TotalMilliseconds))
        {
            throw new TimeoutException($"unicornet did not exit:\n{Output}");
        }

        // Not WaitForExit(): a USR2 child master inherits stdout and keeps the pipe open.
        Thread.Sleep(300);
        return _process.ExitCode;
    }

    public void Signal(int signal) => Signals.Send(Pid, signal);

    /// <summary>Direct children of the master that run as workers.</summary>
    public List<int> WorkerPids() => ChildrenOf(Pid).Where(p => ReadEnviron(p).Contains("UNICORNET_ROLE=worker", StringComparison.Ordinal)).ToList();

    /// <summary>GET with Connection: close; returns the status (0 when the connection failed) and body.</summary>
    public int TryGet(string path, out string body, int timeoutMs = 5000)
    {
        body = "";
        try
        {
            using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = timeoutMs, SendTimeout = timeoutMs };
            s.Connect(IPAddress.Loopback, Port);
            s.Send(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
            var ms = new MemoryStream();
            byte[] buf = new byte[4096];
            int n;
            while ((n = s.Receive(buf)) > 0)
            {
                ms.Write(buf, 0, n);
            }

            string text = Encoding.ASCII.GetString(ms.ToArray());
            int end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (!text.StartsWith("HTTP/1.", StringComparison.Ordinal) || end < 0)
            {
                return 0;
            }

            body = text[(end + 4)..];
            if (text[..end].Contains("transfer-encoding: chunked", StringComparison.OrdinalIgnoreCase))
            {
                body = Dechunk(body);
            }

            return int.Parse(text.AsSpan(9, 3), CultureInfo.InvariantCulture);
        }
        catch (SocketException)
        {
            return 0;
        }
    }

    public void Dispose()
    {
        if (_process is not null)
        {
            foreach (int pid in Descendants(_process.Id).Append(_process.Id).Concat(_seen))
            {
                Signals.Send(pid, Signals.SIGKILL);
            }

            _process.WaitForExit(5000);
            _process.Dispose();
        }

        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Remembers pids to kill in Dispose (workers of a USR2 child master, for example).</summary>
    public void Track(IEnumerable<int> pids)
    {
        foreach (int p in pids)
        {
            _seen.Add(p);
        }
    }

    public static List<int> ChildrenOf(int ppid)
    {
        var result = new List<int>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
            {
                continue;
            }

            try
            {
                string stat = File.ReadAllText(Path.Combine(dir, "stat"));
                string[] f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (f[0] != "Z" && int.Parse(f[1], CultureInfo.InvariantCulture) == ppid)
                {
                    result.Add(pid);
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return result;
    }

    public static bool Alive(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static IEnumerable<int> Descendants(int pid)
    {
        foreach (int c in ChildrenOf(pid))
        {
            yield return c;
            foreach (int d in Descendants(c))
            {
                yield return d;
            }
        }
    }

    private static string ReadEnviron(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/environ");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    private static string Dechunk(string raw)
    {
        var sb = new StringBuilder();
        int i = 0;
        while (i < raw.Length)
        {
            int eol = raw.IndexOf("\r\n", i, StringComparison.Ordinal);
            if (eol < 0 || !int.TryParse(raw.AsSpan(i, eol - i).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int size) || size == 0)
            {
                break;
            }

            sb.Append(raw, eol + 2, Math.Min(size, raw.Length - eol - 2));
            i = eol + 2 + size + 2;
        }

        return sb.ToString();
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

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static string FindTestApp()
    {
        string local = Path.Combine(AppContext.BaseDirectory, "Unicornet.TestApp.dll");
        if (File.Exists(local))
        {
            return local;
        }

        // Built as a dependency only (ReferenceOutputAssembly=false): look in its own output.
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !Directory.Exists(Path.Combine(dir, "Unicornet.TestApp")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        if (dir is not null)
        {
            string? found = Directory.EnumerateFiles(Path.Combine(dir, "Unicornet.TestApp"), "Unicornet.TestApp.dll", SearchOption.AllDirectories).FirstOrDefault();
            if (found is not null)
            {
                return found;
            }
        }

        string repo = Path.Combine(Binaries.RepoRoot, "tests", "TestApps", "Unicornet.TestApp", "bin");
        return Directory.Exists(repo)
            ? Directory.EnumerateFiles(repo, "Unicornet.TestApp.dll", SearchOption.AllDirectories).First()
            : throw new FileNotFoundException("Unicornet.TestApp.dll not found");
    }
}
