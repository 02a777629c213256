using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Unicornet.Control.Protocol;

/// <summary>
/// One reply: <c>{"id": 1, "status": "ok", "data": {...}}</c> or
/// <c>{"id": 1, "status": "error", "error": "..."}</c>.
/// </summary>
public sealed class ControlResponse
{
    /// <summary>The reply status for success.</summary>
    public const string StatusOk = "ok";

    /// <summary>The reply status for failure.</summary>
    public const string StatusError = "error";

    private ControlResponse(long id, bool isOk, JsonElement? data, string? error)
    {
        Id = id;
        IsOk = isOk;
        Data = data;
        Error = error;
    }

    /// <summary>The id of the request this answers.</summary>
    public long Id { get; }

    /// <summary>True for <c>status: ok</c>.</summary>
    public bool IsOk { get; }

    /// <summary>The <c>data</c> member of a successful reply.</summary>
    public JsonElement? Data { get; }

    /// <summary>The <c>error</c> message of a failed reply.</summary>
    public string? Error { get; }

    /// <summary>The data deserialised into one of the records in <c>Unicornet.Control.Data</c>.</summary>
    public T DataAs<T>(JsonTypeInfo<T> typeInfo) =>
        Data is JsonElement element
            ? element.Deserialize(typeInfo) ?? throw new InvalidDataException("reply data is null")
            : throw new InvalidOperationException(Error ?? "reply has no data");

    /// <summary>The data as indented JSON (what <c>unicornetc -j</c> prints).</summary>
    public string DataJson(bool indented = true)
    {
        if (Data is not JsonElement element)
        {
            return "null";
        }

        using MemoryStream buffer = new();
        using (Utf8JsonWriter writer = new(buffer, new JsonWriterOptions { Indented = indented }))
        {
            element.WriteTo(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Parses a reply payload.</summary>
    /// <exception cref="InvalidDataException">The payload is not a reply.</exception>
    public static ControlResponse Parse(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(utf8Json.ToArray());
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException("reply is not a JSON object");
            }

            long id = root.TryGetProperty("id", out JsonElement idElement) && idElement.ValueKind == JsonValueKind.Number ? idElement.GetInt64() : 0;
            string? status = root.TryGetProperty("status", out JsonElement statusElement) && statusElement.ValueKind == JsonValueKind.String ? statusElement.GetString() : null;
            if (status == StatusOk)
            {
                JsonElement? data = root.TryGetProperty("data", out JsonElement dataElement) ? dataElement.Clone() : null;
                return new ControlResponse(id, true, data, null);
            }

            if (status == StatusError)
            {
                string error = root.TryGetProperty("error", out JsonElement errorElement) && errorElement.ValueKind == JsonValueKind.String
                    ? errorElement.GetString()!
                    : "unknown error";
                return new ControlResponse(id, false, null, error);
            }

            throw new InvalidDataException($"reply has an unknown status '{status}'");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException("reply is not valid JSON: " + e.Message, e);
        }
    }

    /// <summary>Builds a successful reply payload; <paramref name="writeData"/> writes the data value.</summary>
    public static byte[] EncodeOk(long id, Action<Utf8JsonWriter> writeData)
    {
        using MemoryStream buffer = new();
        using (Utf8JsonWriter writer = new(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("id", id);
            writer.WriteString("status", StatusOk);
            writer.WritePropertyName("data");
            writeData(writer);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Builds an error reply payload.</summary>
    public static byte[] EncodeError(long id, string error)
    {
        using MemoryStream buffer = new();
        using (Utf8JsonWriter writer = new(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("id", id);
            writer.WriteString("status", StatusError);
            writer.WriteString("error", error);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
