namespace PrivateLib;

/// <summary>A dependency only the app ships (resolved through the app's .deps.json).</summary>
public static class Greeter
{
    public static string Greet(string name) => "private hello " + name;
}
