namespace Unicornet.Cli;

/// <summary>Parses the command line and starts the master.</summary>
internal static class MasterCommand
{
    public static int Run(string[] args)
    {
        Console.Error.WriteLine("unicornet: not built yet");
        return 1;
    }
}
