using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Unicornet.IntegrationTests.Support;

namespace Unicornet.IntegrationTests.Serving;

/// <summary>
/// The head limits on their boundary, over raw sockets, on the four worker classes: the longest head the engine
/// serves (a request line of <c>limit_request_line</c> bytes and <c>limit_request_fields</c> field lines of
/// <c>limit_request_field_size</c> bytes each) is served on every class, and one byte more in a field, or one field
/// more, is 431 on every class. The kestrel class maps the limits onto Kestrel's own, whose total header budget must
/// then be the engine's (docs/http-conformance.md).
/// </summary>
public sealed class HeadLimitMatrixTests
{
    // gunicorn's defaults, given explicitly so the boundary does not move with them.
    private const int LimitRequestLine = 4094;
    private const int LimitRequestFields = 100;
    private const int LimitRequestFieldSize = 8190;

    public static TheoryData<string> WorkerClasses => new() { "sync", "gthread", "async", "kestrel" };

    [Theory]
    [MemberData(nameof(WorkerClasses))]
    public async Task The_longest_head_is_served_and_one_byte_or_one_field_more_is_431(string workerClass)
    {
        await using ServerProcess server = await ServerProcess.StartAsync(
        [
            "-k", workerClass, "-w", "1", "--no-control-socket",
            "--limit-request-line", LimitRequestLine.ToString(CultureInfo.InvariantCulture),
            "--limit-request-fields", LimitRequestFields.ToString(CultureInfo.InvariantCulture),
            "--limit-request-field_size", LimitRequestFieldSize.ToString(CultureInfo.InvariantCulture),
            ServerProcess.TestAppPath + ":App.Invoke",
        ]);

        string longest = Head(LimitRequestFields, longerField: false);
        // The request line, 100 × 8190 bytes of fields, the empty line: 823,098 bytes (819,002 of header section).
        longest.Length.ShouldBe(LimitRequestLine + 2 + (LimitRequestFields * LimitRequestFieldSize) + 2);

        (await StatusAsync(server, longest)).ShouldBe(200, $"{workerClass}: the longest head\n{server.Output}");
        (await StatusAsync(server, Head(LimitRequestFields, longerField: true))).ShouldBe(431, $"{workerClass}: one byte more in a field\n{server.Output}");
        (await StatusAsync(server, Head(LimitRequestFields + 1, longerField: false))).ShouldBe(431, $"{workerClass}: one field more\n{server.Output}");
        (await StatusAsync(server, longest)).ShouldBe(200, $"{workerClass}: the longest head after the refusals\n{server.Output}");
    }

    /// <summary>
    /// An HTTP/1.0 head (no Host line needed, so every field line can be full size) whose request line is exactly
    /// <see cref="LimitRequestLine"/> bytes and whose <paramref name="fields"/> field lines are exactly
    /// <see cref="LimitRequestFieldSize"/> bytes with their CRLF; the last one a byte longer when asked.
    /// </summary>
    private static string Head(int fields, bool longerField)
    {
        var head = new StringBuilder((fields + 1) * (LimitRequestFieldSize + 1));
        const string Start = "GET /peer?";
        const string Version = " HTTP/1.0";
        head.Append(Start).Append('q', LimitRequestLine - Start.Length - Version.Length).Append(Version).Append("\r\n");
        for (int i = 0; i < fields; i++)
        {
            string name = "X-F" + i.ToString("D3", CultureInfo.InvariantCulture);
            int value = LimitRequestFieldSize - name.Length - 2 - 2 + (longerField && i == fields - 1 ? 1 : 0);
            head.Append(name).Append(": ").Append('v', value).Append("\r\n");
        }

        return head.Append("\r\n").ToString();
    }

    /// <summary>Sends the head and returns the status of the answer (0 for none).</summary>
    private static async Task<int> StatusAsync(ServerProcess server, string head)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 20000, SendTimeout = 20000 };
        await socket.ConnectAsync(IPAddress.Loopback, server.Port);
        byte[] bytes = Encoding.Latin1.GetBytes(head);

        // A server may refuse before it has read the whole head and close: the rest of the send then fails, and the
        // answer already sent is still read.
        Task send = Task.Run(() =>
        {
            try
            {
                socket.Send(bytes);
            }
            catch (SocketException)
            {
            }
        });
        string response = await Task.Run(() => ServerProcess.ReadToClose(socket, resetEnds: true)).WaitAsync(TimeSpan.FromSeconds(30));
        await send.WaitAsync(TimeSpan.FromSeconds(30));
        return response.StartsWith("HTTP/1.", StringComparison.Ordinal) && response.Length >= 12
            ? int.Parse(response.AsSpan(9, 3), CultureInfo.InvariantCulture)
            : 0;
    }
}
