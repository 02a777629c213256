using System.Reflection;

namespace Unicornet.Hosting.Tests.Support;

/// <summary>Paths of the apps the test project builds (recorded by the csproj as assembly metadata).</summary>
internal static class Examples
{
    public static string PathOf(string name)
    {
        foreach (AssemblyMetadataAttribute attribute in typeof(Examples).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>())
        {
            if (attribute.Key == "example:" + name && attribute.Value is not null)
            {
                File.Exists(attribute.Value).ShouldBeTrue($"{name} was not built at {attribute.Value}");
                return attribute.Value;
            }
        }

        throw new InvalidOperationException($"no example named {name}");
    }

    public static string DirOf(string name) => Path.GetDirectoryName(PathOf(name))!;
}
