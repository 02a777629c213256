using Unicornet.Control.Protocol;

namespace Unicornet.Control.Client;

/// <summary>
/// What <c>unicornetc</c> does, minus the terminal: one-shot commands and the interactive loop,
/// with output rendering and reconnection. Reads lines from a delegate so the executable can plug
/// in its line editor and tests can plug in a list.
/// </summary>
public sealed class ControlShell
{
    private static readonly string[] s_quitWords = ["quit", "exit", "q"];

    private readonly ControlSocketChoice _socket;
    private readonly bool _json;
    private readonly TextWriter _output;
    private readonly TextWriter _error;
    private ControlClient? _client;

    /// <summary>Creates a shell for <paramref name="socket"/>; <paramref name="json"/> prints raw data JSON instead of tables.</summary>
    public ControlShell(ControlSocketChoice socket, bool json, TextWriter output, TextWriter error)
    {
        _socket = socket;
        _json = json;
        _output = output;
        _error = error;
    }

    /// <summary>How long to wait for the socket to accept a connection.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Runs one command; returns 0 when the reply is ok, 1 on an error reply, a reply reporting
    /// <c>success: false</c>, or a connection failure.
    /// </summary>
    public async Task<int> RunOnceAsync(string command, CancellationToken cancellationToken = default)
    {
        try
        {
            await using ControlClient client = await ControlClient.ConnectAsync(_socket.Path, ConnectTimeout, cancellationToken).ConfigureAwait(false);
            ControlResponse response = await client.SendAsync(command, null, cancellationToken).ConfigureAwait(false);
            return Print(response);
        }
        catch (ControlConnectionException e)
        {
            await _error.WriteLineAsync("unicornetc: " + e.Message).ConfigureAwait(false);
            return 1;
        }
    }

    /// <summary>
    /// The interactive loop: reads lines until end of input or quit/exit/q, sends each one and prints
    /// the reply. A dropped connection is re-established before the next command. Returns 1 when the
    /// socket cannot be reached at the start, else 0.
    /// </summary>
    /// <param name="readLine">Returns the next line, or null at end of input.</param>
    /// <param name="remember">Called with each command sent (for history); may be null.</param>
    /// <param name="cancellationToken">Stops the loop.</param>
    public async Task<int> RunInteractiveAsync(Func<string?> readLine, Action<string>? remember = null, CancellationToken cancellationToken = default)
    {
        try
        {
            _client = await ControlClient.ConnectAsync(_socket.Path, ConnectTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (ControlConnectionException e)
        {
            await _error.WriteLineAsync("unicornetc: " + e.Message).ConfigureAwait(false);
            return 1;
        }

        await _output.WriteLineAsync($"Connected to {_socket.Description}. Type 'help' for commands, 'quit' to leave.").ConfigureAwait(false);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                string? line = readLine();
                if (line is null)
                {
                    break;
                }

                line = line.Trim();
                if (line.Length == 0)
                {
                    continue;
                }

                remember?.Invoke(line);
                if (Array.IndexOf(s_quitWords, line.ToLowerInvariant()) >= 0)
                {
                    break;
                }

                await RunLineAsync(line, cancellationToken).ConfigureAwait(false);
                await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (_client is not null)
            {
                await _client.DisposeAsync().ConfigureAwait(false);
            }
        }

        return 0;
    }

    /// <summary>The text to print for a successful reply.</summary>
    public static string Render(ControlResponse response, bool json) =>
        json ? response.DataJson() : response.Data is { } data ? ControlOutputFormatter.Format(data) : string.Empty;

    private async Task RunLineAsync(string line, CancellationToken cancellationToken)
    {
        if (!await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        try
        {
            Print(await _client!.SendAsync(line, null, cancellationToken).ConfigureAwait(false));
        }
        catch (ControlConnectionException e)
        {
            // A read-only command is safe to repeat; a state change may already have happened.
            bool repeatable = line.StartsWith("show", StringComparison.OrdinalIgnoreCase) || line.Equals("help", StringComparison.OrdinalIgnoreCase);
            await _error.WriteLineAsync("unicornetc: connection lost: " + e.Message).ConfigureAwait(false);
            if (repeatable && await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    Print(await _client!.SendAsync(line, null, cancellationToken).ConfigureAwait(false));
                }
                catch (ControlConnectionException again)
                {
                    await _error.WriteLineAsync("unicornetc: " + again.Message).ConfigureAwait(false);
                }
            }
            else if (!repeatable)
            {
                await _error.WriteLineAsync("unicornetc: the command was not repeated; check its effect with 'show stats'").ConfigureAwait(false);
            }
        }
    }

    private async Task<bool> EnsureConnectedAsync(CancellationToken cancellationToken)
    {
        if (_client is { IsConnected: true })
        {
            return true;
        }

        if (_client is not null)
        {
            await _client.DisposeAsync().ConfigureAwait(false);
            _client = null;
        }

        try
        {
            _client = await ControlClient.ConnectAsync(_socket.Path, ConnectTimeout, cancellationToken).ConfigureAwait(false);
            await _error.WriteLineAsync($"unicornetc: reconnected to {_socket.Path}").ConfigureAwait(false);
            return true;
        }
        catch (ControlConnectionException e)
        {
            await _error.WriteLineAsync("unicornetc: " + e.Message).ConfigureAwait(false);
            return false;
        }
    }

    private int Print(ControlResponse response)
    {
        if (response.IsOk)
        {
            string text = Render(response, _json);
            if (text.Length > 0)
            {
                _output.WriteLine(text);
            }

            _output.Flush();

            // worker kill and dirty add/remove answer ok with success: false when nothing happened.
            return response.Data is { ValueKind: System.Text.Json.JsonValueKind.Object } data
                && data.TryGetProperty("success", out System.Text.Json.JsonElement success)
                && success.ValueKind == System.Text.Json.JsonValueKind.False ? 1 : 0;
        }

        _error.WriteLine("Error: " + response.Error);
        _error.Flush();
        return 1;
    }
}
