using System.Diagnostics;

namespace Unicornet.Platform;

/// <summary>
/// The .NET runtime settings unicornet passes to its own child processes through the environment, named in
/// one place: every spawner (workers, dirty arbiter, dirty workers) and the code that reads them back.
/// </summary>
public static class ChildRuntime
{
    /// <summary>Runs socket continuations on the thread that polled the socket instead of the thread pool.</summary>
    public const string InlineSocketCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>How many socket engines (epoll threads) the process runs; the runtime's default is one per core.</summary>
    public const string SocketEngineCountVariable = "DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT";

    private const string Gen0SizeVariable = "DOTNET_GCgen0size";

    private const string TieredPgoVariable = "DOTNET_TieredPGO";

    private const string SpinLimitVariable = "DOTNET_ThreadPool_UnfairSemaphoreSpinLimit";

    /// <summary>True when this process runs socket continuations inline (see <see cref="InlineSocketCompletionsVariable"/>).</summary>
    public static bool InlineSocketCompletions => Environment.GetEnvironmentVariable(InlineSocketCompletionsVariable) == "1";

    /// <summary>
    /// The socket engines each of <paramref name="workers"/> processes runs so that all of them together have one per
    /// core, and every worker at least one. With inline completions the runtime gives each process one per core, so
    /// N workers on N cores would run N² engine threads, each serving its own share of the connections.
    /// </summary>
    public static int SocketEnginesPerWorker(int workers, int processors) => Math.Max(1, processors / Math.Max(1, workers));

    /// <summary>
    /// A small gen0 budget for a long-running child. Measured (dotnet-notes §8): it keeps idle and loaded RSS low
    /// under workstation non-concurrent GC. A value the operator set in the environment is kept, so the budget
    /// can be tuned per deployment without a rebuild.
    /// </summary>
    public static void UseSmallGen0(ProcessStartInfo startInfo)
    {
        ArgumentNullException.ThrowIfNull(startInfo);
        startInfo.Environment.TryAdd(Gen0SizeVariable, "0x200000");
    }

    /// <summary>
    /// No profile-guided re-JIT in a worker: the instrumented tier costs start-up time and private memory in every
    /// worker, and the ReadyToRun code of the framework is used as it is. A value the operator set in the
    /// environment is kept, so a long-running deployment can trade that for PGO's steady-state code.
    /// </summary>
    public static void NoTieredPgo(ProcessStartInfo startInfo)
    {
        ArgumentNullException.ThrowIfNull(startInfo);
        startInfo.Environment.TryAdd(TieredPgoVariable, "0");
    }

    /// <summary>
    /// Thread-pool workers that find no work block at once instead of spinning first. Spinning pays when one
    /// process owns the cores; with several worker processes sharing them, a spinning pool thread in one worker
    /// takes the core from the other worker's busy threads. Measured on the kestrel class (2 workers, 2 cores,
    /// Connection: close): 36-66 sched_yield calls per request, against 6 for Kestrel alone, and ~40 % more
    /// server CPU per request. A value the operator set in the environment is kept.
    /// </summary>
    public static void NoThreadPoolSpinning(ProcessStartInfo startInfo)
    {
        ArgumentNullException.ThrowIfNull(startInfo);
        if (!startInfo.Environment.ContainsKey(SpinLimitVariable))
        {
            startInfo.Environment[SpinLimitVariable] = "0";
        }
    }
}
