namespace Unicornet.IntegrationTests.Metrics;

/// <summary>
/// A binary a test needs from a Debian package. Under CI (CI=true) a missing one fails the test; on a dev machine
/// the test ends early with the reason on stderr (xunit 2 has no dynamic skip).
/// </summary>
internal static class RequiredTool
{
    public static string? Find(string name, string package)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string path = Path.Combine(dir, name);
            if (File.Exists(path))
            {
                return path;
            }
        }

        string reason = $"{name} is not installed (Debian package '{package}')";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(reason + ", and CI must run this test");
        }

        Console.Error.WriteLine("not run: " + reason);
        return null;
    }
}
