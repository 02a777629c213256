using System.Globalization;
using System.Net.Sockets;

namespace Unicornet.Control;

/// <summary>The socket a client chose and how it got there.</summary>
/// <param name="Path">The path to connect to.</param>
/// <param name="Description">The path plus, for the convenience link, what it points at.</param>
public sealed record ControlSocketChoice(string Path, string Description);

/// <summary>
/// Where control sockets live. Unlike gunicorn's single per-user path, every master gets its own
/// socket, <c>&lt;dir&gt;/&lt;master pid&gt;.ctl</c>, so two instances never collide; the newest one is
/// also reachable as <c>&lt;dir&gt;/unicornet.ctl</c>, a symlink the servers keep current.
/// </summary>
public static class ControlSocketPaths
{
    private static readonly TimeSpan s_probeTimeout = TimeSpan.FromSeconds(1);

    /// <summary>The convenience link's file name.</summary>
    public const string LinkName = "unicornet.ctl";

    /// <summary>The socket file extension.</summary>
    public const string Extension = ".ctl";

    /// <summary><c>$XDG_RUNTIME_DIR/unicornet</c> when that runtime dir exists, else <c>~/.unicornet</c>.</summary>
    public static string DefaultDirectory()
    {
        string? runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        if (!string.IsNullOrEmpty(runtime) && Directory.Exists(runtime))
        {
            return Path.Combine(runtime, "unicornet");
        }

        string home = Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, ".unicornet");
    }

    /// <summary>
    /// The socket a master uses: <paramref name="configured"/> (made absolute from the working
    /// directory) when set, else <c>&lt;default dir&gt;/&lt;pid&gt;.ctl</c>.
    /// </summary>
    public static string ForInstance(string? configured, int masterPid) => ForInstance(configured, masterPid, DefaultDirectory());

    internal static string ForInstance(string? configured, int masterPid, string directory) =>
        string.IsNullOrWhiteSpace(configured)
            ? Path.Combine(directory, masterPid.ToString(CultureInfo.InvariantCulture) + Extension)
            : Path.GetFullPath(configured);

    /// <summary>True for an instance socket name, <c>&lt;digits&gt;.ctl</c>.</summary>
    public static bool IsInstanceSocketName(string fileName)
    {
        if (!fileName.EndsWith(Extension, StringComparison.Ordinal) || fileName.Length == Extension.Length)
        {
            return false;
        }

        foreach (char c in fileName.AsSpan(0, fileName.Length - Extension.Length))
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The socket a client should use: <paramref name="explicitPath"/> when given; otherwise, in the
    /// default directory, the <c>unicornet.ctl</c> link when a server answers behind it, else the
    /// newest instance socket that answers (a crashed master's leftovers are skipped). When nothing
    /// answers it returns the link (or the newest leftover), so the connect error names a real place.
    /// </summary>
    public static ControlSocketChoice ResolveForClient(string? explicitPath) => ResolveForClient(explicitPath, DefaultDirectory());

    internal static ControlSocketChoice ResolveForClient(string? explicitPath, string directory)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            string full = Path.GetFullPath(explicitPath);
            return new ControlSocketChoice(full, full);
        }

        string link = Path.Combine(directory, LinkName);
        List<FileInfo> instances = InstanceSockets(directory);
        instances.Sort((a, b) => b.LastWriteTimeUtc.CompareTo(a.LastWriteTimeUtc));
        string? target = new FileInfo(link).LinkTarget;
        string count = instances.Count > 1 ? $", one of {instances.Count} sockets" : string.Empty;
        if (target is not null && IsLive(link))
        {
            return new ControlSocketChoice(link, $"{link} -> {target}{count}");
        }

        foreach (FileInfo candidate in instances)
        {
            if (IsLive(candidate.FullName))
            {
                string note = instances.Count > 1 ? $" (newest live of {instances.Count} sockets)" : string.Empty;
                return new ControlSocketChoice(candidate.FullName, candidate.FullName + note);
            }
        }

        if (target is not null || instances.Count == 0)
        {
            return new ControlSocketChoice(link, target is null ? link : $"{link} -> {target}");
        }

        return new ControlSocketChoice(instances[0].FullName, instances[0].FullName);
    }

    /// <summary>True when a server accepts connections at <paramref name="path"/>.</summary>
    public static bool IsLive(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        using Socket probe = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            using CancellationTokenSource timeout = new(s_probeTimeout);
            probe.ConnectAsync(new UnixDomainSocketEndPoint(path), timeout.Token).AsTask().GetAwaiter().GetResult();
            return true;
        }
        catch (OperationCanceledException)
        {
            // A full backlog means someone is there but busy: live.
            return true;
        }
        catch (Exception e) when (e is SocketException or ArgumentException)
        {
            return false;
        }
    }

    internal static List<FileInfo> InstanceSockets(string directory)
    {
        List<FileInfo> found = new();
        if (!Directory.Exists(directory))
        {
            return found;
        }

        try
        {
            foreach (FileInfo file in new DirectoryInfo(directory).EnumerateFiles("*" + Extension))
            {
                if (IsInstanceSocketName(file.Name))
                {
                    found.Add(file);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // An unreadable directory means there is nothing we may use there.
        }

        return found;
    }
}
