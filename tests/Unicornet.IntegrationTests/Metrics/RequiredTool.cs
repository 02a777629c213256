namespace Unicornet.IntegrationTests.Metrics;

/// <summary>A binary a test needs from a Debian package: skipped without it on a dev machine, failed without it under CI.</summary>
internal static class RequiredTool
{
    public static string Find(string name, string package)
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

        Assert.Skip(reason);
        return "";
    }
}
