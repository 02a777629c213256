using System.Text;

namespace Unicornet.Http.AccessLog;

/// <summary>
/// A thread-safe line writer for the access log: a file (appended, reopened on <see cref="Reopen"/> for USR1
/// log rotation) or standard output for <c>-</c>.
/// </summary>
public sealed class AccessLogSink : IDisposable
{
    private readonly string _path;
    private readonly object _lock = new();
    private TextWriter _writer;

    /// <summary>Opens <paramref name="path"/> for appending, or stdout when it is <c>-</c>.</summary>
    public AccessLogSink(string path)
    {
        _path = path;
        _writer = Open();
    }

    /// <summary>Appends one line.</summary>
    public void WriteLine(string line)
    {
        lock (_lock)
        {
            _writer.Write(line);
            _writer.Write('\n');
            _writer.Flush();
        }
    }

    /// <summary>Closes and reopens the file (after the log was rotated).</summary>
    public void Reopen()
    {
        lock (_lock)
        {
            if (_path == "-")
            {
                return;
            }

            _writer.Dispose();
            _writer = Open();
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_path != "-")
            {
                _writer.Dispose();
            }
            else
            {
                _writer.Flush();
            }
        }
    }

    private TextWriter Open()
    {
        if (_path == "-")
        {
            return new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = false };
        }

        var stream = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        return new StreamWriter(stream, new UTF8Encoding(false));
    }
}
