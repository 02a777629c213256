using System.Diagnostics;
using System.Globalization;
using Unicornet.Platform;

namespace Unicornet.Workers.Tests.Metrics;

/// <summary>
/// The /proc readers behind the master's per-worker RSS and CPU figures (metrics, <c>unicornetc top</c>, the
/// memory watch): parsed as bytes, they must give what the text says.
/// </summary>
public sealed class ProcReadersTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("unicornet-proc-").FullName;
    private readonly List<Process> _started = [];

    [Fact]
    public void Fields_and_numbers_are_split_and_parsed_as_the_text_says()
    {
        ReadOnlySpan<byte> rest = "  12 0034\tab\n  "u8;
        ProcFile.ParseLong(ProcFile.NextField(ref rest)).ShouldBe(12);
        ProcFile.ParseLong(ProcFile.NextField(ref rest)).ShouldBe(34);
        ProcFile.ParseHex(ProcFile.NextField(ref rest)).ShouldBe(0xab);
        ProcFile.NextField(ref rest).IsEmpty.ShouldBeTrue();
        ProcFile.ParseLong("12x"u8).ShouldBeNull();
        ProcFile.ParseLong(""u8).ShouldBeNull();
        ProcFile.ParseHex("0000000A"u8).ShouldBe(10);
        ProcFile.ParseHex("g"u8).ShouldBeNull();
    }

    [Fact]
    public void Resident_bytes_match_statm_and_a_gone_process_reads_as_null()
    {
        Process child = StartSleep("sleep");
        long pages = long.Parse(File.ReadAllText($"/proc/{child.Id}/statm").Split(' ')[1], CultureInfo.InvariantCulture);
        ProcessInfo.ResidentBytes(child.Id).ShouldBe(pages * Environment.SystemPageSize); // a sleeping process's RSS does not move
        Stop(child);
        ProcessInfo.ResidentBytes(child.Id).ShouldBeNull();
        ProcessInfo.CpuSeconds(child.Id).ShouldBeNull();
    }

    [Fact]
    public void Cpu_seconds_are_read_past_a_command_name_with_spaces_and_parentheses()
    {
        Process child = StartSleep("we ) ird (x");
        string stat = File.ReadAllText($"/proc/{child.Id}/stat");
        stat.ShouldContain("(we ) ird (x)");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        double expected = (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        ProcessInfo.CpuSeconds(child.Id).ShouldBe(expected);
        ProcessInfo.ResidentBytes(child.Id).ShouldNotBeNull().ShouldBeGreaterThan(0);
    }

    public void Dispose()
    {
        foreach (Process p in _started)
        {
            if (!p.HasExited)
            {
                Stop(p);
            }

            p.Dispose();
        }

        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>Runs sleep under <paramref name="name"/> (a symlink: the kernel's comm name is the file's name).</summary>
    private Process StartSleep(string name)
    {
        string link = Path.Combine(_dir, name);
        File.CreateSymbolicLink(link, "/bin/sleep");
        var psi = new ProcessStartInfo(link, "30") { UseShellExecute = false };
        Process p = Process.Start(psi).ShouldNotBeNull();
        _started.Add(p);
        // Until exec completes /proc shows the parent's image; wait for the new name.
        string comm = name.Length > 15 ? name[..15] : name;
        Eventually.Poll(() => File.ReadAllText($"/proc/{p.Id}/comm").TrimEnd('\n') == comm, TimeSpan.FromSeconds(10))
            .ShouldBeTrue("the child never showed its name");

        return p;
    }

    private static void Stop(Process p)
    {
        p.Kill();
        p.WaitForExit(10_000).ShouldBeTrue();
    }
}
