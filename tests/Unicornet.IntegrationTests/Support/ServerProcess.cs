using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Unicornet.Platform;

namespace Unicornet.IntegrationTests.Support;

/// <summary>
/// A real <c>unicornet</c> master started for one test: bound to a free 127.0.0.1 port from its own
/// scratch directory, its output captured, waited for with deadlines, and on dispose every process of
/// its tree (plus any pid handed to <see cref="Track"/>) killed by pid, the directory deleted.
/// Two ways in: <see cref="Start"/> serves the test app (<c>new ServerProcess().Start("-w", "2")</c>),
/// <see cref="StartAsync"/> runs any arguments (an example app) and waits until it answers HTTP.
/// </summary>
internal sealed class ServerProcess : IDisposable, IAsyncDisposable
{
    private static readonly TimeSpan s_defaultTimeout = TimeSpan.FromSeconds(60);
    private static readonly string[] s_inheritedVariables = ["UNICORNET_CMD_ARGS", "PORT", "WEB_CONCURRENCY", "UNICORNET_ROLE", "UNICORNET_PID", "UNICORNET_FDS"];

    private readonly StringBuilder _output = new();
    private readonly HashSet<ProcessIdentity> _tracked = [];
    private Process? _process;
    private int _openStreams;

    /// <summary>A server on a free port with a fresh scratch directory (or <paramref name="directory"/>, also deleted on dispose).</summary>
    public ServerProcess(string? directory = null)
    {
        Directory = directory ?? System.IO.Directory.CreateTempSubdirectory("unicornet-server-").FullName;
        Port = FreePort();
    }

    /// <summary>The test app's assembly (tests/TestApps/Unicornet.TestApp), which <see cref="Start"/> serves.</summary>
    public static string TestAppPath { get; } = FindTestApp();

    public int Pid => _process?.Id ?? 0;

    public int Port { get; }

    /// <summary>A scratch directory for this server (config files, logs, the control socket); deleted on dispose.</summary>
    public string Directory { get; }

    /// <summary>The same as <see cref="Directory"/>.</summary>
    public string Dir => Directory;

    public Uri BaseUri => new($"http://127.0.0.1:{Port}/");

    public Process Process => _process ?? throw new InvalidOperationException("not started");

    public bool HasExited => Process.HasExited;

    /// <summary>The unicornet.dll to run; <see cref="UseWorldReadableCopy"/> points it at a copy.</summary>
    public string Executable { get; private set; } = Binaries.Unicornet;

    /// <summary>The app <see cref="Start"/> serves.</summary>
    public string App { get; private set; } = TestAppPath + ":App.Invoke";

    /// <summary>Applied to the start info last: extra environment, or a wrapper such as <see cref="RunThroughBash"/>.</summary>
    public Action<ProcessStartInfo>? Customize { get; set; }

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
    /// Starts <c>unicornet ARGS -b 127.0.0.1:PORT</c> (<c>{PORT}</c> and <c>{DIR}</c> in the arguments are
    /// replaced) and waits until GET <paramref name="readyPath"/> answers, unless <paramref name="waitForHttp"/> is false.
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
        var server = new ServerProcess(directory);
        try
        {
            string port = server.Port.ToString(CultureInfo.InvariantCulture);
            server.Launch(args.Select(a => a.Replace("{PORT}", port, StringComparison.Ordinal).Replace("{DIR}", server.Directory, StringComparison.Ordinal)), bind, env, workingDirectory);
            if (waitForHttp)
            {
                await server.WaitUntilServingAsync(readyPath, timeout ?? s_defaultTimeout);
            }

            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>Starts <c>unicornet ARGS -b 127.0.0.1:PORT TestApp.dll:App.Invoke</c>; returns this server.</summary>
    public ServerProcess Start(params string[] args)
    {
        Launch([.. args], bind: true, env: null, workingDirectory: null, app: App);
        return this;
    }

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

    /// <summary>
    /// Runs a copy of unicornet and the test app from inside <see cref="Directory"/>, made world-readable: workers
    /// switched to another user (<c>-u nobody</c>) load assemblies after the switch, and the clone (or the
    /// build output) may sit under a directory only its owner can enter. Call before <see cref="Start"/>.
    /// </summary>
    public void UseWorldReadableCopy()
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException();
        }

        File.SetUnixFileMode(Directory, WorldReadableDirectory);
        string root = Path.Combine(Directory, "readable");
        Executable = Path.Combine(CopyReadable(Path.GetDirectoryName(Binaries.Unicornet)!, Path.Combine(root, "unicornet")), Path.GetFileName(Binaries.Unicornet));
        App = Path.Combine(CopyReadable(Path.GetDirectoryName(TestAppPath)!, Path.Combine(root, "app")), Path.GetFileName(TestAppPath)) + ":App.Invoke";

        // The copy only helps if the other user can walk down to it.
        for (string? dir = root; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            File.GetUnixFileMode(dir).HasFlag(UnixFileMode.OtherExecute).ShouldBeTrue($"{dir} is not searchable by other users (TMPDIR={Path.GetTempPath()})");
        }
    }

    /// <summary>Writes a file into <see cref="Directory"/>; returns its path.</summary>
    public string WriteFile(string name, string content)
    {
        string path = Path.Combine(Directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Waits until GET / answers 200 and <paramref name="workers"/> workers run.</summary>
    public void WaitServing(int workers, TimeSpan? timeout = null) =>
        WaitFor(() => WorkerPids().Count == workers && TryGet("/", out _) == 200, timeout ?? s_defaultTimeout, $"{workers} serving worker(s)");

    /// <summary>Polls <paramref name="condition"/> until it holds; throws (with the output) on timeout or when the master exits first.</summary>
    public void WaitFor(Func<bool> condition, TimeSpan timeout, string what) =>
        Eventually.Until(
            () => condition() || (Process.HasExited ? throw new InvalidOperationException($"unicornet exited ({Process.ExitCode}) while waiting for {what}:\n{Output}") : false),
            timeout,
            what,
            () => Output);

    /// <summary>Waits until the output contains <paramref name="text"/>; throws on timeout.</summary>
    public void WaitForLog(string text, TimeSpan timeout) => WaitFor(() => Output.Contains(text, StringComparison.Ordinal), timeout, $"log line '{text}'");

    /// <summary>Waits until the output contains <paramref name="text"/>; false on timeout.</summary>
    public Task<bool> WaitForOutputAsync(string text, TimeSpan timeout) =>
        Eventually.PollAsync(() => Task.FromResult(Output.Contains(text, StringComparison.Ordinal)), timeout);

    /// <summary>Waits until GET <paramref name="path"/> answers (any status), or throws with the server's output.</summary>
    public async Task WaitUntilServingAsync(string path, TimeSpan timeout)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.UntilAsync(
            async () =>
            {
                if (Process.HasExited)
                {
                    throw new InvalidOperationException($"unicornet exited with {Process.ExitCode} before serving:\n{Output}");
                }

                try
                {
                    using HttpResponseMessage _ = await client.GetAsync(new Uri(BaseUri, path));
                    return true;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    return false;
                }
            },
            timeout,
            $"unicornet to serve {path}",
            () => Output);
    }

    /// <summary>Waits for the master to exit; returns its exit code.</summary>
    public int WaitExit(TimeSpan timeout)
    {
        if (!Process.WaitForExit(timeout))
        {
            throw new TimeoutException($"unicornet did not exit within {timeout}:\n{Output}");
        }

        // Not WaitForExit() without a timeout, which also waits for the end of the output: a USR2 child
        // master inherits stdout and may keep the pipe open. Wait for the end a little, then go on with
        // what arrived.
        Eventually.Poll(() => Volatile.Read(ref _openStreams) == 0, TimeSpan.FromSeconds(5));
        return Process.ExitCode;
    }

    /// <summary>Waits for the master to exit; returns its exit code.</summary>
    public Task<int> WaitForExitAsync(TimeSpan timeout) => Task.Run(() => WaitExit(timeout));

    /// <summary>Sends a signal to the master.</summary>
    public void Signal(int signal) => Signals.Send(Pid, signal);

    /// <summary>Direct children of the master that run as workers.</summary>
    public List<int> WorkerPids()
    {
        List<int> workers = ChildrenOf(Pid).Where(p => ReadEnviron(p).Contains("UNICORNET_ROLE=worker", StringComparison.Ordinal)).ToList();
        Track(workers);
        return workers;
    }

    /// <summary>The live processes below the master (workers, dirty arbiter, ...), direct children only unless <paramref name="recursive"/>.</summary>
    public IReadOnlyList<int> Children(bool recursive = false)
    {
        List<int> children = recursive ? ProcessTree.DescendantsOf(Pid) : ChildrenOf(Pid);
        Track(children);
        return children;
    }

    /// <summary>Remembers pids to kill on dispose even once they left the master's tree (workers of a USR2 child master, orphans).</summary>
    public void Track(IEnumerable<int> pids)
    {
        foreach (int pid in pids)
        {
            if (ProcessIdentity.Of(pid) is { } identity)
            {
                lock (_tracked)
                {
                    _tracked.Add(identity);
                }
            }
        }
    }

    /// <summary>GET with Connection: close; returns the status (0 when the connection failed) and body.</summary>
    public int TryGet(string path, out string body, int timeoutMs = 5000)
    {
        body = "";
        try
        {
            using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = timeoutMs, SendTimeout = timeoutMs };
            s.Connect(IPAddress.Loopback, Port);
            s.Send(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
            string text = ReadToClose(s);
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
            return ReadToClose(s);
        }
        catch (SocketException)
        {
            return "";
        }
    }

    /// <summary>Live direct children of <paramref name="pid"/>.</summary>
    public static List<int> ChildrenOf(int pid) => ProcessTree.ChildrenOf(pid);

    /// <summary>True while <paramref name="pid"/> runs (a zombie counts as gone).</summary>
    public static bool Alive(int pid) => ProcessTree.Alive(pid);

    public void Dispose()
    {
        if (_process is not null)
        {
            List<ProcessIdentity> roots;
            lock (_tracked)
            {
                roots = [.. _tracked];
            }

            ProcessTree.Kill(roots);
            _process.WaitForExit(ProcessTree.DefaultDeadline);
            _process.Dispose();
            _process = null;
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A worker of another user may have left a file behind; the temp directory is the system's to clean.
        }
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private const UnixFileMode WorldReadableDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private static string CopyReadable(string source, string target)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException();
        }

        System.IO.Directory.CreateDirectory(target);
        File.SetUnixFileMode(target, WorldReadableDirectory);
        foreach (string file in System.IO.Directory.EnumerateFiles(source))
        {
            string copy = Path.Combine(target, Path.GetFileName(file));
            File.Copy(file, copy);
            File.SetUnixFileMode(copy, File.GetUnixFileMode(copy) | UnixFileMode.OtherRead | UnixFileMode.GroupRead);
        }

        foreach (string dir in System.IO.Directory.EnumerateDirectories(source))
        {
            CopyReadable(dir, Path.Combine(target, Path.GetFileName(dir)));
        }

        return target;
    }

    private void Launch(IEnumerable<string> args, bool bind, IDictionary<string, string?>? env, string? workingDirectory, string? app = null)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Directory,
        };
        psi.ArgumentList.Add("exec");
        psi.ArgumentList.Add(Executable);
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        if (bind)
        {
            psi.ArgumentList.Add("-b");
            psi.ArgumentList.Add("127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture));
        }

        if (app is not null)
        {
            psi.ArgumentList.Add(app);
        }

        // The developer's own settings must not reach the server; its caches and default control socket stay in its directory.
        foreach (string name in s_inheritedVariables)
        {
            psi.Environment.Remove(name);
        }

        psi.Environment["XDG_CACHE_HOME"] = Path.Combine(Directory, "cache");
        psi.Environment["XDG_RUNTIME_DIR"] = Directory;
        if (env is not null)
        {
            foreach ((string k, string? v) in env)
            {
                psi.Environment[k] = v;
            }
        }

        Customize?.Invoke(psi);
        _openStreams = 2;
        _process = Process.Start(psi)!;
        Track([_process.Id]);
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            Interlocked.Decrement(ref _openStreams);
            return;
        }

        lock (_output)
        {
            _output.Append(line).Append('\n');
        }
    }

    /// <summary>
    /// Reads <paramref name="s"/> until the server closes it, as latin-1. With <paramref name="resetEnds"/> a reset ends
    /// the answer too and what arrived before it is kept: a server refusing a request may reset with its bytes unread.
    /// </summary>
    public static string ReadToClose(Socket s, bool resetEnds = false)
    {
        var response = new MemoryStream();
        byte[] buffer = new byte[8192];
        try
        {
            int n;
            while ((n = s.Receive(buffer)) > 0)
            {
                response.Write(buffer, 0, n);
            }
        }
        catch (SocketException ex) when (resetEnds && ex.SocketErrorCode == SocketError.ConnectionReset)
        {
            // the answer, if any, already arrived
        }

        return Encoding.Latin1.GetString(response.ToArray());
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

    internal static int FreePort()
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)s.LocalEndPoint!).Port;
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
        while (dir is not null && !System.IO.Directory.Exists(Path.Combine(dir, "Unicornet.TestApp")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        if (dir is not null)
        {
            string? found = System.IO.Directory.EnumerateFiles(Path.Combine(dir, "Unicornet.TestApp"), "Unicornet.TestApp.dll", SearchOption.AllDirectories).FirstOrDefault();
            if (found is not null)
            {
                return found;
            }
        }

        string repo = Path.Combine(Binaries.RepoRoot, "tests", "TestApps", "Unicornet.TestApp", "bin");
        return System.IO.Directory.Exists(repo)
            ? System.IO.Directory.EnumerateFiles(repo, "Unicornet.TestApp.dll", SearchOption.AllDirectories).First()
            : throw new FileNotFoundException("Unicornet.TestApp.dll not found");
    }
}
