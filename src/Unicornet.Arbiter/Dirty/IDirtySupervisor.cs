using Unicornet.Config;

namespace Unicornet.Arbitration;

/// <summary>
/// What the master asks of the dirty arbiter's supervisor, in terms that name nothing of Unicornet.Dirty's: the
/// parts that run in every master (the tick, spawning, reload, shutdown) hold this, so that compiling them (a JIT
/// or a tier-1 rejit of the once-a-second tick) does not load the dirty pool's code when no dirty apps are set.
/// </summary>
internal interface IDirtySupervisor
{
    /// <summary>The dirty arbiter's pid while it runs.</summary>
    int? Pid { get; }

    /// <summary>What a worker needs in its environment to reach the dirty arbiter.</summary>
    IReadOnlyDictionary<string, string> WorkerEnvironment { get; }

    /// <summary>Starts the dirty arbiter.</summary>
    void Start();

    /// <summary>Restarts the dirty arbiter if it died; true when it did.</summary>
    bool CheckAndRestart();

    /// <summary>Sends <paramref name="signal"/> to the dirty arbiter.</summary>
    void Signal(int signal);

    /// <summary>Hands the dirty arbiter the configuration of a reload.</summary>
    void Reload(UnicornetConfig config);

    /// <summary>Stops the dirty arbiter (TERM when <paramref name="graceful"/>, QUIT otherwise).</summary>
    Task StopAsync(bool graceful);

    /// <summary>The dirty arbiter's status, null when it does not answer within <paramref name="timeout"/>.</summary>
    Task<IReadOnlyDictionary<string, object?>?> StatusAsync(TimeSpan timeout);

    /// <summary>Adds or removes dirty workers; the arbiter's reply, null when it does not answer.</summary>
    Task<IReadOnlyDictionary<string, object?>?> ManageAsync(bool add, int count, TimeSpan timeout);
}
