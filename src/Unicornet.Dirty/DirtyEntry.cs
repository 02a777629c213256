namespace Unicornet.Dirty;

/// <summary>Entry points of the dirty arbiter and dirty worker processes.</summary>
public static class DirtyEntry
{
    /// <summary>Runs the dirty arbiter (UNICORNET_ROLE=dirty-arbiter).</summary>
    public static int RunArbiter(string[] args)
    {
        Console.Error.WriteLine("unicornet: dirty arbiter is not built yet");
        return 1;
    }

    /// <summary>Runs a dirty worker (UNICORNET_ROLE=dirty-worker).</summary>
    public static int RunWorker(string[] args)
    {
        Console.Error.WriteLine("unicornet: dirty worker is not built yet");
        return 1;
    }
}
