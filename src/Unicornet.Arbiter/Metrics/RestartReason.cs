namespace Unicornet.Arbitration;

/// <summary>Why a worker was replaced, as <c>unicornet_worker_restarts_total{reason}</c> counts it.</summary>
internal enum RestartReason
{
    /// <summary>Silent past <c>timeout</c> (or its boot timeout), aborted or killed by the master.</summary>
    Timeout,

    /// <summary>Above <c>max_worker_memory</c>.</summary>
    Memory,

    /// <summary>Reached <c>max_requests</c>.</summary>
    MaxRequests,

    /// <summary>Exited or died without being asked.</summary>
    Crash,

    /// <summary>Replaced by a reload (HUP, the <c>reload</c> watch, the control socket).</summary>
    Reload,
}
