using System.Diagnostics;
using System.Globalization;
using Unicornet.Config;
using Unicornet.Dirty.Apps;
using Unicornet.Platform;

namespace Unicornet.Dirty.Arbiter;

/// <summary>Starts dirty worker processes: the same executable, told its sockets, age and apps through its environment.</summary>
internal sealed class WorkerLauncher
{
    private readonly string _workerSocketPath;
    private readonly string _clientSocketPath;
    private readonly ILog _log;

    public WorkerLauncher(string workerSocketPath, string clientSocketPath, ILog log)
    {
        _workerSocketPath = workerSocketPath;
        _clientSocketPath = clientSocketPath;
        _log = log;
    }

    /// <summary>The started process, or null (logged) when it could not be started.</summary>
    public Process? Start(int age, IReadOnlyList<DirtyAppSpec> apps)
    {
        ProcessStartInfo psi = SelfLauncher.StartInfo(ProcessRoles.DirtyWorker);
        psi.Environment[DirtyEnvironment.WorkerSocket] = _workerSocketPath;
        psi.Environment[DirtyEnvironment.Socket] = _clientSocketPath;
        psi.Environment[DirtyEnvironment.Age] = age.ToString(CultureInfo.InvariantCulture);
        psi.Environment[DirtyEnvironment.Apps] = string.Join('\n', apps.Select(a => a.Id));
        ChildRuntime.UseSmallGen0(psi);
        psi.Environment.Remove(DirtyEnvironment.PidFile);

        // Actions run on the thread pool, not on socket continuations, so a dirty worker does not need inline completions.
        psi.Environment.Remove(ChildRuntime.InlineSocketCompletionsVariable);
        try
        {
            return Process.Start(psi) ?? throw new InvalidOperationException("Process.Start returned null");
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            DirtyLog.WorkerCannotStart(_log, e.Message);
            return null;
        }
    }
}
