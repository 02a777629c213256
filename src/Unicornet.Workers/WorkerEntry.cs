namespace Unicornet.Workers;

/// <summary>The entry point of an HTTP worker process (UNICORNET_ROLE=worker).</summary>
public static class WorkerEntry
{
    /// <summary>Runs the worker; returns its exit code.</summary>
    public static int Run(string[] args)
    {
        Console.Error.WriteLine("unicornet: worker role is not built yet");
        return 3;
    }
}
