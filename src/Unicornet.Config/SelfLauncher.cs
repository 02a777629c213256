using System.Diagnostics;
using System.Reflection;

namespace Unicornet.Config;

/// <summary>
/// Builds a <see cref="ProcessStartInfo"/> that runs this same unicornet executable in another role,
/// whether it was started through its apphost (<c>unicornet</c>) or as <c>dotnet unicornet.dll</c>.
/// </summary>
public static class SelfLauncher
{
    /// <summary>A start info for this executable in <paramref name="role"/>, inheriting the environment.</summary>
    public static ProcessStartInfo StartInfo(string role, params string[] args)
    {
        string processPath = Environment.ProcessPath ?? throw new InvalidOperationException("cannot find this process's executable");
        var psi = new ProcessStartInfo { UseShellExecute = false };
        string host = Path.GetFileNameWithoutExtension(processPath);
        if (host == "dotnet")
        {
            psi.FileName = processPath;
            psi.ArgumentList.Add("exec");
            psi.ArgumentList.Add(EntryAssemblyPath());
        }
        else
        {
            psi.FileName = processPath;
        }

        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment[ProcessRoles.Variable] = role;
        return psi;
    }

    private static string EntryAssemblyPath()
    {
        string? location = Assembly.GetEntryAssembly()?.Location;
        if (string.IsNullOrEmpty(location))
        {
            location = Path.Combine(AppContext.BaseDirectory, "unicornet.dll");
        }

        return location;
    }
}
