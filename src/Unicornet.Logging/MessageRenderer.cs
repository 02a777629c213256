using System.Globalization;
using Serilog.Events;
using Serilog.Parsing;

namespace Unicornet.Logging;

/// <summary>Renders a message template without Serilog's quotes around strings, as gunicorn's lines read.</summary>
internal static class MessageRenderer
{
    public static void Render(LogEvent logEvent, TextWriter output)
    {
        foreach (MessageTemplateToken token in logEvent.MessageTemplate.Tokens)
        {
            if (token is PropertyToken property && logEvent.Properties.TryGetValue(property.PropertyName, out LogEventPropertyValue? value))
            {
                if (value is ScalarValue { Value: string s })
                {
                    output.Write(s);
                }
                else
                {
                    value.Render(output, property.Format, CultureInfo.InvariantCulture);
                }
            }
            else if (token is TextToken text)
            {
                output.Write(text.Text);
            }
            else
            {
                output.Write(token.ToString());
            }
        }
    }

    public static string Render(LogEvent logEvent)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        Render(logEvent, writer);
        return writer.ToString();
    }
}
