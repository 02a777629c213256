using System.Text.Json;

namespace Unicornet.Control.Protocol;

/// <summary>
/// One request: <c>{"id": 1, "command": "worker add", "args": ["2"]}</c>. The command string is split
/// like a shell line and <see cref="Args"/> are appended to the words.
/// </summary>
/// <param name="Id">Chosen by the client and echoed in the reply.</param>
/// <param name="Command">The command line, for example <c>show workers</c>.</param>
/// <param name="Args">Extra arguments appended after the command's own words.</param>
public sealed record ControlRequest(long Id, string Command, IReadOnlyList<string> Args)
{
    /// <summary>The request as a frame payload.</summary>
    public byte[] ToUtf8Json() => JsonSerializer.SerializeToUtf8Bytes(this, ControlJsonContext.Default.ControlRequest);

    /// <summary>
    /// Parses a payload. Unlike plain deserialisation this keeps the id when the rest is malformed,
    /// so the error reply can still be matched to the request.
    /// </summary>
    /// <exception cref="ControlRequestException">Invalid JSON or the wrong shape.</exception>
    public static ControlRequest Parse(ReadOnlySpan<byte> utf8Json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw new ControlRequestException(0, "Invalid JSON: " + e.Message);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ControlRequestException(0, $"Invalid request: expected a JSON object, got {root.ValueKind}");
            }

            long id = 0;
            if (root.TryGetProperty("id", out JsonElement idElement) && !(idElement.ValueKind == JsonValueKind.Number && idElement.TryGetInt64(out id)))
            {
                throw new ControlRequestException(0, "Invalid request: 'id' must be an integer");
            }

            if (!root.TryGetProperty("command", out JsonElement commandElement) || commandElement.ValueKind != JsonValueKind.String)
            {
                throw new ControlRequestException(id, "Invalid request: 'command' must be a string");
            }

            List<string> args = new();
            if (root.TryGetProperty("args", out JsonElement argsElement) && argsElement.ValueKind != JsonValueKind.Null)
            {
                if (argsElement.ValueKind != JsonValueKind.Array)
                {
                    throw new ControlRequestException(id, "Invalid request: 'args' must be an array");
                }

                foreach (JsonElement arg in argsElement.EnumerateArray())
                {
                    args.Add(arg.ValueKind switch
                    {
                        JsonValueKind.String => arg.GetString()!,
                        JsonValueKind.Number => arg.GetRawText(),
                        _ => throw new ControlRequestException(id, "Invalid request: 'args' may hold only strings and numbers"),
                    });
                }
            }

            return new ControlRequest(id, commandElement.GetString()!, args);
        }
    }
}
