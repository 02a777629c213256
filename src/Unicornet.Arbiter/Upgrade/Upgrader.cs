using System.Diagnostics;
using System.Globalization;
using Unicornet.Config.Hooks;
using Unicornet.Platform;

namespace Unicornet.Arbitration;

/// <summary>
/// The binary upgrade (USR2): start a new master from the original command line, hand it the listeners,
/// and, in that new master, notice when the old one is gone and take over its names (promotion).
/// </summary>
internal sealed class Upgrader
{
    private readonly MasterContext _ctx;
    private readonly ProcessOrigin _origin;

    public Upgrader(MasterContext ctx, ProcessOrigin origin)
    {
        _ctx = ctx;
        _origin = origin;
        if (int.TryParse(Environment.GetEnvironmentVariable(ProcessOrigin.UpgradePidVariable), NumberStyles.None, CultureInfo.InvariantCulture, out int parent) && parent == ProcessInfo.ParentPid)
        {
            Parent = parent;
        }
    }

    /// <summary>The old master, while this one is the new master of an upgrade not yet promoted.</summary>
    public int? Parent { get; private set; }

    /// <summary>The new master this one started, until it exits.</summary>
    public Process? Child { get; private set; }

    /// <summary>True while an upgrade is under way in either direction: unix sockets must outlive this master.</summary>
    public bool InProgress => Child is { HasExited: false } || Parent is not null;

    /// <summary>Like <see cref="InProgress"/>, but also while a child's exit is not yet reaped.</summary>
    public bool HasPeer => Child is not null || Parent is not null;

    /// <summary>The process title's name: a new master not yet promoted is <c>NAME.2</c>, as in gunicorn.</summary>
    public string ProcName => _ctx.Config.Options.Arbiter.ProcName + (Parent is null ? "" : ".2");

    /// <summary>The pid file's path for this master, null without one.</summary>
    public string? PidFilePath(string? configured) => configured is null || Parent is null ? configured : configured + ".2";

    /// <summary>The listener fds the old master handed over (read once, then removed from the environment).</summary>
    public string? TakeInheritedFds()
    {
        string? fds = Parent is null ? null : Environment.GetEnvironmentVariable(ProcessOrigin.UpgradeFdsVariable);
        Environment.SetEnvironmentVariable(ProcessOrigin.UpgradeFdsVariable, null);
        return fds;
    }

    public void Reexec()
    {
        if (Child is { HasExited: false })
        {
            _ctx.Log.UpgradeIgnoredChildExists();
            return;
        }

        if (Parent is not null)
        {
            _ctx.Log.UpgradeIgnoredParentExists();
            return;
        }

        _ctx.Config.Hooks.Invoke(HookNames.PreExec, _ctx.View);
        ProcessStartInfo psi = _origin.StartInfo(Environment.ProcessPath!);
        psi.Environment.Clear();
        foreach (KeyValuePair<string, string> kv in _origin.Environment)
        {
            psi.Environment[kv.Key] = kv.Value;
        }

        psi.Environment[ProcessOrigin.UpgradePidVariable] = _ctx.Pid.ToString(CultureInfo.InvariantCulture);
        psi.Environment[ProcessOrigin.UpgradeFdsVariable] = _ctx.FdList();
        try
        {
            Child = Process.Start(psi);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            _ctx.Log.UpgradeStartFailed(e.Message);
            return;
        }

        if (Child is not null)
        {
            _ctx.Log.UpgradeStarted(Child.Id);
            _ctx.Events.PostOnExit(Child, new MasterEvent(EventKind.UpgradeChildExited));
        }
    }

    public void OnChildExited()
    {
        _ctx.Log.UpgradeChildExited(Child?.Id ?? 0, WorkerPool.SafeExitCode(Child));
        Child = null;
    }

    /// <summary>A USR2 child becomes the master once the old one is gone: drop the .2 suffixes. True when it just did.</summary>
    public bool CheckPromotion()
    {
        if (Parent is null || ProcessInfo.ParentPid == Parent)
        {
            return false;
        }

        _ctx.Log.Promoted();
        Parent = null;
        Environment.SetEnvironmentVariable(ProcessOrigin.UpgradePidVariable, null);
        _origin.Environment.Remove(ProcessOrigin.UpgradePidVariable);
        if (_ctx.PidFile is not null && _ctx.Config.Options.Arbiter.Pidfile is { } path)
        {
            _ctx.PidFile.Rename(path, _ctx.Pid);
        }

        ProcessInfo.SetTitle("master [" + ProcName + "]");
        return true;
    }
}
