using Unicornet.Config;

namespace Unicornet.Arbitration;

/// <summary>The files the <c>reload</c> setting watches, with the modification time each had when the watch began.</summary>
internal sealed class FileWatch
{
    private readonly Dictionary<string, DateTime> _watched = [];

    public int Count => _watched.Count;

    public void Clear() => _watched.Clear();

    public void Reset(IEnumerable<string> files)
    {
        _watched.Clear();
        foreach (string file in files)
        {
            _watched[file] = File.GetLastWriteTimeUtc(file);
        }
    }

    /// <summary>The first watched file whose modification time moved (or that went away), or null.</summary>
    public string? Changed()
    {
        foreach (KeyValuePair<string, DateTime> kv in _watched)
        {
            DateTime now = File.Exists(kv.Key) ? File.GetLastWriteTimeUtc(kv.Key) : DateTime.MinValue;
            if (now != kv.Value)
            {
                return kv.Key;
            }
        }

        return null;
    }

    /// <summary>The app assembly's directory's DLLs and what reload_extra_files names or matches.</summary>
    public static IEnumerable<string> FilesOf(UnicornetConfig config)
    {
        var files = new HashSet<string>(StringComparer.Ordinal);
        AddAppAssemblies(config.AppModule, files);
        foreach (string pattern in config.Options.Arbiter.ReloadExtraFiles)
        {
            AddPattern(pattern, files);
        }

        return files;
    }

    private static void AddAppAssemblies(string? app, HashSet<string> files)
    {
        int colon = app?.LastIndexOf(':') ?? -1;
        if (colon <= 0)
        {
            return;
        }

        string part = app![..colon];
        string file = Path.GetFullPath(part.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? part : part + ".dll");
        if (File.Exists(file))
        {
            foreach (string dll in Directory.EnumerateFiles(Path.GetDirectoryName(file)!, "*.dll"))
            {
                files.Add(dll);
            }
        }
    }

    private static void AddPattern(string pattern, HashSet<string> files)
    {
        if (pattern.IndexOfAny(['*', '?', '[']) < 0)
        {
            files.Add(Path.GetFullPath(pattern));
            return;
        }

        string full = Path.GetFullPath(pattern);
        string dir = Path.GetDirectoryName(full)!;
        bool recursive = dir.Contains("**", StringComparison.Ordinal);
        string root = recursive ? dir[..dir.IndexOf("**", StringComparison.Ordinal)] : dir;
        if (Directory.Exists(root))
        {
            foreach (string f in Directory.EnumerateFiles(root, Path.GetFileName(full), recursive ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly))
            {
                files.Add(f);
            }
        }
    }
}
