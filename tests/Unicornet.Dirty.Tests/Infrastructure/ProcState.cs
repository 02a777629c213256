using System.Globalization;
using System.Text;

namespace Unicornet.Dirty.Tests.Infrastructure;

/// <summary>What a live process's threads are doing, from /proc, for a failure message.</summary>
internal static class ProcState
{
    /// <summary>The process's state and signal masks, then one line per thread: name, state and kernel wait channel.</summary>
    public static string Describe(int? pid)
    {
        if (pid is not { } p)
        {
            return "no pid";
        }

        var text = new StringBuilder();
        string root = "/proc/" + p.ToString(CultureInfo.InvariantCulture);
        try
        {
            foreach (string line in File.ReadLines(root + "/status"))
            {
                if (line.StartsWith("State:", StringComparison.Ordinal) || line.StartsWith("Sig", StringComparison.Ordinal)
                    || line.StartsWith("ShdPnd:", StringComparison.Ordinal) || line.StartsWith("TracerPid:", StringComparison.Ordinal))
                {
                    text.AppendLine(line);
                }
            }

            foreach (string task in Directory.GetDirectories(root + "/task"))
            {
                string stat = File.ReadAllText(task + "/stat");
                int close = stat.LastIndexOf(')');
                string name = stat[(stat.IndexOf('(', StringComparison.Ordinal) + 1)..close];
                char state = stat[close + 2];
                string wchan = File.Exists(task + "/wchan") ? File.ReadAllText(task + "/wchan") : "?";
                text.Append(Path.GetFileName(task)).Append(' ').Append(name).Append(' ').Append(state).Append(' ').AppendLine(wchan);
            }
        }
        catch (IOException e)
        {
            text.AppendLine("(/proc read failed: " + e.Message + ")");
        }
        catch (UnauthorizedAccessException e)
        {
            text.AppendLine("(/proc read failed: " + e.Message + ")");
        }

        return text.ToString();
    }
}
