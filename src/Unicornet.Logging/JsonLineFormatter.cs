using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Serilog.Events;
using Serilog.Formatting;

namespace Unicornet.Logging;

/// <summary>One JSON object per line with typed fields (time, level, pid, role, message, properties, exception).</summary>
internal sealed class JsonLineFormatter : ITextFormatter
{
    private static readonly JsonWriterOptions s_options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly string _role;

    public JsonLineFormatter(string role)
    {
        _role = role;
    }

    public void Format(LogEvent logEvent, TextWriter output)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, s_options))
        {
            json.WriteStartObject();
            json.WriteString("time", logEvent.Timestamp.ToString("O", CultureInfo.InvariantCulture));
            json.WriteString("level", GunicornTextFormatter.LevelName(logEvent.Level).ToLowerInvariant());
            json.WriteNumber("pid", Environment.ProcessId);
            json.WriteString("role", _role);
            json.WriteString("message", MessageRenderer.Render(logEvent));
            foreach (KeyValuePair<string, LogEventPropertyValue> p in logEvent.Properties)
            {
                json.WritePropertyName(p.Key);
                WriteValue(json, p.Value);
            }

            if (logEvent.Exception is not null)
            {
                json.WriteString("exception", logEvent.Exception.ToString());
            }

            json.WriteEndObject();
        }

        output.Write(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        output.Write('\n');
    }

    private static void WriteValue(Utf8JsonWriter json, LogEventPropertyValue value)
    {
        switch (value)
        {
            case ScalarValue { Value: null }:
                json.WriteNullValue();
                break;
            case ScalarValue { Value: bool b }:
                json.WriteBooleanValue(b);
                break;
            case ScalarValue { Value: int or long or short or byte or uint or ulong } s:
                json.WriteNumberValue(Convert.ToInt64(s.Value, CultureInfo.InvariantCulture));
                break;
            case ScalarValue { Value: double or float or decimal } s:
                json.WriteNumberValue(Convert.ToDouble(s.Value, CultureInfo.InvariantCulture));
                break;
            case ScalarValue s:
                json.WriteStringValue(Convert.ToString(s.Value, CultureInfo.InvariantCulture));
                break;
            case SequenceValue seq:
                json.WriteStartArray();
                foreach (LogEventPropertyValue item in seq.Elements)
                {
                    WriteValue(json, item);
                }

                json.WriteEndArray();
                break;
            default:
                json.WriteStringValue(value.ToString());
                break;
        }
    }
}
