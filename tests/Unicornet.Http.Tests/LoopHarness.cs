using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Http;
using Unicornet.Http.Serving;

namespace Unicornet.Http.Tests;

/// <summary>Runs a real serving loop on 127.0.0.1:0 and talks raw bytes to it.</summary>
internal sealed class LoopHarness : IAsyncDisposable
{
    /// <summary>The options most loop tests use: 4 threads for gthread, 5 s keep-alive.</summary>
    public static HttpServingOptions Options(ServingLoopKind workerClass) => DefaultServingOptions.Value with { Loop = workerClass, Threads = 4, KeepAliveSeconds = 5 };

    private readonly Socket _listener;
    private readonly CancellationTokenSource _graceful = new();
    private readonly CancellationTokenSource _immediate = new();
    private readonly Task _run;

    public LoopHarness(HttpServingOptions options, RequestDelegate app, IHttpServingEvents events)
        : this(options, app, new RecordingEvents(), events)
    {
    }

    public LoopHarness(HttpServingOptions options, RequestDelegate app, RecordingEvents? events = null, IHttpServingEvents? actual = null)
    {
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(128);
        Events = events ?? new RecordingEvents();
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        // As the worker sets it for the async class (whose socket completions run inline there).
        options = options with { AppsRunOnPollThread = options.Loop == ServingLoopKind.Async };
        _run = HttpServingLoops.Create(options, app, actual ?? Events).RunAsync([_listener], _graceful.Token, _immediate.Token);
    }

    public int Port { get; }

    public RecordingEvents Events { get; }

    public Task Run => _run;

    public Socket Connect()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 10000, SendTimeout = 10000 };
        socket.Connect(IPAddress.Loopback, Port);
        return socket;
    }

    /// <summary>Sends <paramref name="request"/> and reads until the server closes (or the timeout).</summary>
    public string Exchange(string request) => Exchange(Encoding.Latin1.GetBytes(request));

    public string Exchange(byte[] request)
    {
        using Socket socket = Connect();
        socket.Send(request);
        return ReadToClose(socket);
    }

    public static string ReadToClose(Socket socket)
    {
        var received = new MemoryStream();
        byte[] buffer = new byte[8192];
        try
        {
            int n;
            while ((n = socket.Receive(buffer)) > 0)
            {
                received.Write(buffer, 0, n);
            }
        }
        catch (SocketException)
        {
            // timeout or reset: return what arrived
        }

        return Encoding.Latin1.GetString(received.ToArray());
    }

    /// <summary>Reads until <paramref name="count"/> complete responses with Content-Length bodies (or chunked) arrived.</summary>
    public static string ReadUntil(Socket socket, Func<string, bool> done)
    {
        var received = new StringBuilder();
        byte[] buffer = new byte[8192];
        while (!done(received.ToString()))
        {
            int n = socket.Receive(buffer);
            if (n == 0)
            {
                break;
            }

            received.Append(Encoding.Latin1.GetString(buffer, 0, n));
        }

        return received.ToString();
    }

    public async Task StopAsync()
    {
        await _graceful.CancelAsync();
        await _run.WaitAsync(TimeSpan.FromSeconds(15));
    }

    public async ValueTask DisposeAsync()
    {
        await _immediate.CancelAsync();
        try
        {
            await _run.WaitAsync(TimeSpan.FromSeconds(15));
        }
        catch (Exception)
        {
            // the test already reported
        }

        _listener.Dispose();
        _graceful.Dispose();
        _immediate.Dispose();
    }
}

internal sealed class RecordingEvents : IHttpServingEvents
{
    private int _ticks;

    public int AllowRequests { get; set; } = int.MaxValue;

    public int Started;

    public List<(string Path, RequestSummary Summary, string? AccessLine)> Completed { get; } = [];

    public AccessLog.AccessLogFormatter? Formatter { get; set; }

    public int Ticks => Volatile.Read(ref _ticks);

    public bool RequestStarting(HttpContext context) => Interlocked.Increment(ref Started) < AllowRequests;

    public void RequestCompleted(HttpContext context, RequestSummary summary)
    {
        string? line = Formatter?.Format(context, summary);
        lock (Completed)
        {
            Completed.Add((context.Request.Path.Value ?? "", summary, line));
        }
    }

    public void Tick() => Interlocked.Increment(ref _ticks);
}
