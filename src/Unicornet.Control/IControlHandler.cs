namespace Unicornet.Control;

/// <summary>
/// What the control socket asks of the master. The master implements this; the
/// <see cref="Server.ControlServer"/> parses and validates every command, then calls one method.
/// </summary>
/// <remarks>
/// <para>
/// THREADING: every method is called on a thread-pool thread owned by the control server, possibly
/// several at once (one per connected client), never on the master's main loop. The implementation
/// is responsible for marshalling. Commands that change state (<see cref="AddWorkersAsync"/>,
/// <see cref="RemoveWorkersAsync"/>, <see cref="KillWorkerAsync"/>, the dirty and lifecycle commands)
/// must be queued to the master's main loop and completed from there, for example with
/// <see cref="MainLoopDispatcher.InvokeAsync{T}(Func{T}, CancellationToken)"/> plus a call to
/// <see cref="MainLoopDispatcher.RunPending"/> in the loop. The show methods may either do the same
/// or read a snapshot that is safe to read concurrently.
/// </para>
/// <para>
/// The <see cref="CancellationToken"/> fires when the server stops or the command runs longer than
/// <see cref="Server.ControlServerOptions.CommandTimeout"/>. Throw <see cref="ControlArgumentException"/>
/// for arguments that make sense syntactically but not for this master (an unknown pid, for example);
/// the client sees <c>Invalid argument: ...</c>. Any other exception becomes
/// <c>Command failed: ...</c> and is logged; it never stops the server.
/// </para>
/// </remarks>
public interface IControlHandler
{
    /// <summary><c>show workers</c>: the live HTTP workers.</summary>
    Task<WorkersData> ShowWorkersAsync(CancellationToken cancellationToken);

    /// <summary><c>show stats</c>: counters since the master started.</summary>
    Task<StatsData> ShowStatsAsync(CancellationToken cancellationToken);

    /// <summary><c>show config</c>: every setting with value and origin (see <see cref="ConfigData.FromSettings"/>).</summary>
    Task<ConfigData> ShowConfigAsync(CancellationToken cancellationToken);

    /// <summary><c>show listeners</c>: the listening sockets.</summary>
    Task<ListenersData> ShowListenersAsync(CancellationToken cancellationToken);

    /// <summary>
    /// <c>show dirty</c>: the dirty pool as the dirty arbiter sees it now (ask it, do not report a
    /// stale copy); <see cref="DirtyData.Disabled"/> when there is no dirty pool.
    /// </summary>
    Task<DirtyData> ShowDirtyAsync(CancellationToken cancellationToken);

    /// <summary><c>show metrics</c>: the figures <c>/metrics</c> serves; <see cref="MetricsData.Off"/> when metrics are off.</summary>
    Task<MetricsData> ShowMetricsAsync(CancellationToken cancellationToken) => Task.FromResult(MetricsData.Off);

    /// <summary><c>worker add [N]</c>: raise the worker target by <paramref name="count"/> (≥ 1) and wake the main loop.</summary>
    Task<WorkersAdded> AddWorkersAsync(int count, CancellationToken cancellationToken);

    /// <summary>
    /// <c>worker remove [N]</c>: lower the worker target by <paramref name="count"/> (≥ 1), never
    /// below 1 (<see cref="WorkersRemoved.Clamp"/> computes the outcome), and wake the main loop.
    /// </summary>
    Task<WorkersRemoved> RemoveWorkersAsync(int count, CancellationToken cancellationToken);

    /// <summary>
    /// <c>worker kill PID</c>: TERM one of this master's HTTP workers (the master replaces it).
    /// Return <c>Success = false</c> with an error when the pid is not one of its workers; never signal
    /// another process.
    /// </summary>
    Task<WorkerKillResult> KillWorkerAsync(int pid, CancellationToken cancellationToken);

    /// <summary><c>dirty add [N]</c>: ask the dirty arbiter for <paramref name="count"/> more dirty workers.</summary>
    Task<DirtyScaleResult> AddDirtyWorkersAsync(int count, CancellationToken cancellationToken);

    /// <summary><c>dirty remove [N]</c>: ask the dirty arbiter to retire <paramref name="count"/> dirty workers, oldest first, not below its minimum.</summary>
    Task<DirtyScaleResult> RemoveDirtyWorkersAsync(int count, CancellationToken cancellationToken);

    /// <summary><c>reload</c>: do what HUP does. Reply before the reload completes.</summary>
    Task<ActionResult> ReloadAsync(CancellationToken cancellationToken);

    /// <summary><c>reopen</c>: do what USR1 does (reopen log files).</summary>
    Task<ActionResult> ReopenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// <c>shutdown [graceful|quick]</c>: do what TERM (graceful) or INT (quick) does. Reply first:
    /// the server is stopped as part of the shutdown, so the reply must be returned before the
    /// master gets to disposing it.
    /// </summary>
    Task<ActionResult> ShutdownAsync(ShutdownMode mode, CancellationToken cancellationToken);
}
