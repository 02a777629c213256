namespace Unicornet.Supervision;

/// <summary>The lifecycle a worker reports through its heartbeat slot.</summary>
public enum WorkerPhase
{
    /// <summary>Started, loading the app.</summary>
    Booting = 0,

    /// <summary>Serving requests.</summary>
    Ready = 1,

    /// <summary>Told to stop; draining.</summary>
    Stopping = 2,
}
