using System.Text;

namespace Unicornet.Ctl;

/// <summary>
/// A small line editor over <see cref="Console.ReadKey(bool)"/> for terminals: left/right, home/end,
/// backspace/delete, up/down through history, Ctrl+U to clear, Ctrl+C to drop the line, Ctrl+D
/// on an empty line to leave.
/// </summary>
internal sealed class LineEditor
{
    private readonly CommandHistory _history;

    public LineEditor(CommandHistory history)
    {
        _history = history;
    }

    /// <summary>Reads one line; null at end of input.</summary>
    public string? ReadLine(string prompt)
    {
        StringBuilder buffer = new();
        int cursor = 0;
        int historyIndex = _history.Entries.Count;
        string pending = string.Empty;
        bool previousTreatControlC = Console.TreatControlCAsInput;
        Console.TreatControlCAsInput = true;
        Console.Write(prompt);
        try
        {
            while (true)
            {
                ConsoleKeyInfo key = Console.ReadKey(intercept: true);
                bool control = (key.Modifiers & ConsoleModifiers.Control) != 0;
                switch (key.Key)
                {
                    case ConsoleKey.Enter:
                        Console.WriteLine();
                        return buffer.ToString();
                    case ConsoleKey.D when control:
                        if (buffer.Length == 0)
                        {
                            Console.WriteLine();
                            return null;
                        }

                        if (cursor < buffer.Length)
                        {
                            buffer.Remove(cursor, 1);
                        }

                        break;
                    case ConsoleKey.C when control:
                        Console.WriteLine("^C");
                        buffer.Clear();
                        cursor = 0;
                        historyIndex = _history.Entries.Count;
                        Console.Write(prompt);
                        continue;
                    case ConsoleKey.U when control:
                        buffer.Remove(0, cursor);
                        cursor = 0;
                        break;
                    case ConsoleKey.A when control:
                    case ConsoleKey.Home:
                        cursor = 0;
                        break;
                    case ConsoleKey.E when control:
                    case ConsoleKey.End:
                        cursor = buffer.Length;
                        break;
                    case ConsoleKey.LeftArrow:
                        cursor = Math.Max(0, cursor - 1);
                        break;
                    case ConsoleKey.RightArrow:
                        cursor = Math.Min(buffer.Length, cursor + 1);
                        break;
                    case ConsoleKey.Backspace:
                        if (cursor > 0)
                        {
                            buffer.Remove(cursor - 1, 1);
                            cursor--;
                        }

                        break;
                    case ConsoleKey.Delete:
                        if (cursor < buffer.Length)
                        {
                            buffer.Remove(cursor, 1);
                        }

                        break;
                    case ConsoleKey.UpArrow:
                        if (historyIndex > 0)
                        {
                            if (historyIndex == _history.Entries.Count)
                            {
                                pending = buffer.ToString();
                            }

                            historyIndex--;
                            Replace(buffer, _history.Entries[historyIndex], ref cursor);
                        }

                        break;
                    case ConsoleKey.DownArrow:
                        if (historyIndex < _history.Entries.Count)
                        {
                            historyIndex++;
                            Replace(buffer, historyIndex == _history.Entries.Count ? pending : _history.Entries[historyIndex], ref cursor);
                        }

                        break;
                    default:
                        if (!char.IsControl(key.KeyChar))
                        {
                            buffer.Insert(cursor, key.KeyChar);
                            cursor++;
                        }

                        break;
                }

                Redraw(prompt, buffer, cursor);
            }
        }
        catch (InvalidOperationException)
        {
            // The console stopped being a terminal: treat it as end of input.
            return null;
        }
        finally
        {
            Console.TreatControlCAsInput = previousTreatControlC;
        }
    }

    private static void Replace(StringBuilder buffer, string text, ref int cursor)
    {
        buffer.Clear().Append(text);
        cursor = buffer.Length;
    }

    // Carriage return, prompt and text, clear the rest of the row, then step back to the cursor.
    private static void Redraw(string prompt, StringBuilder buffer, int cursor)
    {
        StringBuilder frame = new();
        frame.Append('\r').Append(prompt).Append(buffer).Append("\u001b[K");
        int back = buffer.Length - cursor;
        if (back > 0)
        {
            frame.Append("\u001b[").Append(back).Append('D');
        }

        Console.Write(frame.ToString());
    }
}
