using System.Globalization;
using Unicornet.Dirty.Protocol;
using Unicornet.Platform;

namespace Unicornet.Dirty.Arbiter;

/// <summary>The pid file that lets a fresh dirty arbiter find and stop an orphan of an earlier master.</summary>
internal sealed class ArbiterPidFile
{
    private readonly string? _pidFile;
    private readonly ILog _log;

    /// <param name="path">The file, or null when the master gave none (nothing is then written or checked).</param>
    public ArbiterPidFile(string? path, ILog log)
    {
        _pidFile = path;
        _log = log;
    }

    public void KillStaleInstance()
    {
        if (_pidFile is null || !File.Exists(_pidFile))
        {
            return;
        }

        int pid;
        try
        {
            if (!int.TryParse(File.ReadAllText(_pidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out pid))
            {
                return;
            }
        }
        catch (IOException)
        {
            return;
        }

        if (pid == ProcessInfo.Pid || !Signals.Exists(pid) || !IsDirtyArbiter(pid))
        {
            return;
        }

        DirtyLog.StoppingStaleArbiter(_log, pid, _pidFile);
        Signals.Send(pid, Signals.SIGTERM);
        for (int i = 0; i < 20 && Signals.Exists(pid); i++)
        {
            Thread.Sleep(50);
        }

        if (Signals.Exists(pid))
        {
            Signals.Send(pid, Signals.SIGKILL);
        }

        UnixSockets.TryDelete(_pidFile);
    }

    // A recycled pid must not be killed: only a process whose environment says it is a dirty arbiter counts.
    private static bool IsDirtyArbiter(int pid)
    {
        try
        {
            string env = File.ReadAllText($"/proc/{pid}/environ");
            return env.Contains("UNICORNET_ROLE=dirty-arbiter\0", StringComparison.Ordinal) || env.EndsWith("UNICORNET_ROLE=dirty-arbiter", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public void Write()
    {
        if (_pidFile is null)
        {
            return;
        }

        string temp = _pidFile + ".tmp" + ProcessInfo.Pid.ToString(CultureInfo.InvariantCulture);
        File.WriteAllText(temp, ProcessInfo.Pid.ToString(CultureInfo.InvariantCulture) + "\n");
        File.Move(temp, _pidFile, overwrite: true);
    }

    public void Remove()
    {
        if (_pidFile is null)
        {
            return;
        }

        try
        {
            if (File.Exists(_pidFile) && File.ReadAllText(_pidFile).Trim() == ProcessInfo.Pid.ToString(CultureInfo.InvariantCulture))
            {
                File.Delete(_pidFile);
            }
        }
        catch (IOException)
        {
        }
    }
}
