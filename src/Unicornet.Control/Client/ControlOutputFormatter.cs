using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Unicornet.Control.Client;

/// <summary>
/// Renders reply data for people: scalar members as aligned <c>name: value</c> lines, lists of
/// records as tables, nested records indented. Works for every command's data without knowing it.
/// </summary>
public static class ControlOutputFormatter
{
    /// <summary>The text form of <paramref name="data"/>, without a trailing newline.</summary>
    public static string Format(JsonElement data)
    {
        // show metrics: the exposition is already the text people read.
        if (data.ValueKind == JsonValueKind.Object && data.TryGetProperty("exposition", out JsonElement exposition) && exposition.ValueKind == JsonValueKind.String)
        {
            return exposition.GetString()!.TrimEnd('\n');
        }

        StringBuilder output = new();
        Append(output, data, 0);
        return output.ToString().TrimEnd('\n');
    }

    private static void Append(StringBuilder output, JsonElement element, int indent)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                AppendObject(output, element, indent);
                break;
            case JsonValueKind.Array when IsTable(element):
                AppendTable(output, element, indent);
                break;
            default:
                output.Append(' ', indent).Append(Cell(element)).Append('\n');
                break;
        }
    }

    private static void AppendObject(StringBuilder output, JsonElement element, int indent)
    {
        int width = 0;
        foreach (JsonProperty property in element.EnumerateObject())
        {
            if (IsInline(property.Value))
            {
                width = Math.Max(width, property.Name.Length);
            }
        }

        foreach (JsonProperty property in element.EnumerateObject())
        {
            if (IsInline(property.Value))
            {
                output.Append(' ', indent).Append((property.Name + ":").PadRight(width + 1)).Append(' ').Append(Cell(property.Value)).Append('\n');
            }
        }

        foreach (JsonProperty property in element.EnumerateObject())
        {
            if (IsInline(property.Value))
            {
                continue;
            }

            string count = property.Value.ValueKind == JsonValueKind.Array ? $" ({property.Value.GetArrayLength()})" : string.Empty;
            if (output.Length > 0)
            {
                output.Append('\n');
            }

            output.Append(' ', indent).Append(property.Name).Append(count).Append(":\n");
            Append(output, property.Value, indent + 2);
        }
    }

    private static void AppendTable(StringBuilder output, JsonElement rows, int indent)
    {
        List<string> columns = new();
        foreach (JsonElement row in rows.EnumerateArray())
        {
            foreach (JsonProperty property in row.EnumerateObject())
            {
                if (!columns.Contains(property.Name))
                {
                    columns.Add(property.Name);
                }
            }
        }

        List<string[]> cells = new();
        foreach (JsonElement row in rows.EnumerateArray())
        {
            string[] line = new string[columns.Count];
            for (int c = 0; c < columns.Count; c++)
            {
                line[c] = row.TryGetProperty(columns[c], out JsonElement value) ? Cell(value) : "-";
            }

            cells.Add(line);
        }

        int[] widths = new int[columns.Count];
        for (int c = 0; c < columns.Count; c++)
        {
            widths[c] = columns[c].Length;
            foreach (string[] line in cells)
            {
                widths[c] = Math.Max(widths[c], line[c].Length);
            }
        }

        AppendRow(output, indent, widths, columns.Select(c => c.ToUpperInvariant()).ToArray());
        foreach (string[] line in cells)
        {
            AppendRow(output, indent, widths, line);
        }
    }

    private static void AppendRow(StringBuilder output, int indent, int[] widths, string[] values)
    {
        output.Append(' ', indent);
        for (int c = 0; c < values.Length; c++)
        {
            output.Append(c == values.Length - 1 ? values[c] : values[c].PadRight(widths[c] + 2));
        }

        output.Append('\n');
    }

    // Non-empty arrays of objects become tables; everything else fits on one line.
    private static bool IsTable(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() == 0)
        {
            return false;
        }

        foreach (JsonElement item in element.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsInline(JsonElement element) => element.ValueKind != JsonValueKind.Object && !IsTable(element);

    private static string Cell(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => "-",
        JsonValueKind.True => "yes",
        JsonValueKind.False => "no",
        JsonValueKind.String => element.GetString() ?? string.Empty,
        JsonValueKind.Number => Number(element),
        JsonValueKind.Array => element.GetArrayLength() == 0 ? "(none)" : string.Join(", ", element.EnumerateArray().Select(Cell)),
        _ => element.GetRawText(),
    };

    private static string Number(JsonElement element)
    {
        if (element.TryGetInt64(out long whole))
        {
            return whole.ToString(CultureInfo.InvariantCulture);
        }

        return element.GetDouble().ToString("0.###", CultureInfo.InvariantCulture);
    }
}
