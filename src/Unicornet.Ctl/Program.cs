namespace Unicornet.Ctl;

/// <summary>The <c>unicornetc</c> control client.</summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        Console.Error.WriteLine("unicornetc: not built yet");
        return 1;
    }
}
