using System.Globalization;
using Unicornet.Platform;

namespace Unicornet.Arbitration;

/// <summary>
/// The master's pidfile: written atomically (temp file + rename, mode 0644), refused when it names
/// another live process, removed at exit only while it still holds our pid.
/// </summary>
internal sealed class PidFile
{
    public PidFile(string path) => Path = path;

    public string Path { get; private set; }

    public void Create(int pid)
    {
        int? existing = ReadPid(Path);
        if (existing is int other && other != pid && Signals.Exists(other))
        {
            throw new InvalidOperationException($"Already running on PID {other} (or pid file '{Path}' is stale)");
        }

        Write(pid);
    }

    public void Write(int pid)
    {
        string dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!;
        string temp = System.IO.Path.Combine(dir, "." + System.IO.Path.GetFileName(Path) + "." + pid.ToString(CultureInfo.InvariantCulture) + ".tmp");
        File.WriteAllText(temp, pid.ToString(CultureInfo.InvariantCulture) + "\n");
        ProcessInfo.Chmod(temp, Convert.ToInt32("644", 8));
        File.Move(temp, Path, overwrite: true);
    }

    /// <summary>Moves the file to <paramref name="newPath"/> (a promoted USR2 master renames <c>PIDFILE.2</c>).</summary>
    public void Rename(string newPath, int pid)
    {
        string old = Path;
        Path = newPath;
        Write(pid);
        if (ReadPid(old) == pid)
        {
            File.Delete(old);
        }
    }

    public void Unlink(int pid)
    {
        try
        {
            if (ReadPid(Path) == pid)
            {
                File.Delete(Path);
            }
        }
        catch (IOException)
        {
        }
    }

    private static int? ReadPid(string path)
    {
        try
        {
            return int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int p) ? p : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
