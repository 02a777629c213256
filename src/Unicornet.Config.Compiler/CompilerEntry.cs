namespace Unicornet.Config.Compiler;

/// <summary>The entry point of the short-lived compile process (UNICORNET_ROLE=compile).</summary>
public static class CompilerEntry
{
    /// <summary>Compiles the script named in <paramref name="args"/>; returns the exit code.</summary>
    public static int Run(string[] args)
    {
        Console.Error.WriteLine("unicornet: compiler role is not built yet");
        return 1;
    }
}
