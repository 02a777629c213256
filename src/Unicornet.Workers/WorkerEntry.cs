namespace Unicornet.Workers;

/// <summary>The entry point of an HTTP worker process (UNICORNET_ROLE=worker).</summary>
public static class WorkerEntry
{
    /// <summary>Runs the worker; returns its exit code (3 boot error, 4 app load error).</summary>
    public static int Run(string[] args) => WorkerProcess.Run();
}
