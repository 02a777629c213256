using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Unicornet.IntegrationTests.Support;

namespace Unicornet.IntegrationTests.Workers;

/// <summary>
/// Keep-alive connections opened in one burst (as a load generator or a proxy's upstream pool does) end up shared
/// between the workers, not all in whichever worker woke first (issue 15: 63/1 at wrk -c64 without balancing).
/// </summary>
[Collection("arbiter")]
public sealed class AcceptBalanceTests
{
    private const int Connections = 32;

    [Theory]
    [InlineData("async")]
    [InlineData("gthread")]
    public async Task A_burst_of_keep_alive_connections_is_shared_between_the_workers(string workerClass)
    {
        using ServerProcess server = await ServerProcess.StartAsync(["-k", workerClass, "-w", "2", "--no-control-socket", ServerProcess.TestAppPath + ":App.Invoke"]);
        server.WaitServing(2);

        var sockets = new List<Socket>();
        try
        {
            var endPoint = new IPEndPoint(IPAddress.Loopback, server.Port);
            for (int i = 0; i < Connections; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 10_000 };
                sockets.Add(socket);
                socket.Connect(endPoint);
            }

            var perWorker = new Dictionary<int, int>();
            foreach (Socket socket in sockets)
            {
                int pid = PidOf(socket);
                perWorker[pid] = perWorker.GetValueOrDefault(pid) + 1;
            }

            string split = string.Join("/", perWorker.Values);
            perWorker.Count.ShouldBe(2, $"split {split}");

            // Even would be 16/16; a quarter leaves room for a sibling that is slow to wake on a busy machine.
            perWorker.Values.Min().ShouldBeGreaterThanOrEqualTo(Connections / 4, $"split {split}");
        }
        finally
        {
            foreach (Socket socket in sockets)
            {
                socket.Dispose();
            }
        }
    }

    /// <summary>Asks the connection's worker for its pid over the same keep-alive connection.</summary>
    private static int PidOf(Socket socket)
    {
        socket.Send("GET /pid HTTP/1.1\r\nHost: test\r\n\r\n"u8);
        var response = new StringBuilder();
        var buffer = new byte[4096];
        while (true)
        {
            int n = socket.Receive(buffer);
            n.ShouldBeGreaterThan(0, "the worker closed a keep-alive connection");
            response.Append(Encoding.ASCII.GetString(buffer, 0, n));
            string text = response.ToString();
            int headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (headEnd < 0)
            {
                continue;
            }

            // The test app's text answers are chunked: one data chunk, then the last chunk.
            if (!text.EndsWith("\r\n0\r\n\r\n", StringComparison.Ordinal))
            {
                continue;
            }

            int sizeEnd = text.IndexOf("\r\n", headEnd + 4, StringComparison.Ordinal);
            int size = int.Parse(text.AsSpan(headEnd + 4, sizeEnd - headEnd - 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            return int.Parse(text.AsSpan(sizeEnd + 2, size), CultureInfo.InvariantCulture);
        }
    }
}
