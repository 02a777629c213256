namespace Unicornet.Ctl;

/// <summary>The interactive history, kept in <c>~/.unicornetc_history</c> one command per line.</summary>
internal sealed class CommandHistory
{
    private const int MaxEntries = 1000;

    private readonly string? _path;
    private readonly List<string> _entries;

    private CommandHistory(string? path, List<string> entries)
    {
        _path = path;
        _entries = entries;
    }

    public IReadOnlyList<string> Entries => _entries;

    public static string? DefaultPath()
    {
        string? home = Environment.GetEnvironmentVariable("HOME");
        return string.IsNullOrEmpty(home) ? null : Path.Combine(home, ".unicornetc_history");
    }

    public static CommandHistory Load(string? path)
    {
        List<string> entries = new();
        if (path is not null)
        {
            try
            {
                if (File.Exists(path))
                {
                    foreach (string line in File.ReadLines(path))
                    {
                        if (line.Length > 0)
                        {
                            entries.Add(line);
                        }
                    }

                    if (entries.Count > MaxEntries)
                    {
                        entries.RemoveRange(0, entries.Count - MaxEntries);
                        File.WriteAllLines(path, entries);
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // History is a convenience; an unreadable file just means none.
            }
        }

        return new CommandHistory(path, entries);
    }

    public void Add(string line)
    {
        if (line.Length == 0 || (_entries.Count > 0 && _entries[^1] == line))
        {
            return;
        }

        _entries.Add(line);
        if (_path is null)
        {
            return;
        }

        try
        {
            File.AppendAllText(_path, line + "\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(_path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Keep the in-memory history even when the file cannot be written.
        }
    }
}
