using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Unicornet.IntegrationTests.Support;

namespace Unicornet.IntegrationTests.Arbiter;

/// <summary>
/// What an idle master has mapped, read from /proc/MASTERPID/maps of a real master serving the hello app: code it
/// does not use while it only supervises stays out of its memory, and comes in on the path that needs it.
/// </summary>
[Collection("arbiter")]
public sealed partial class MasterLoadedCodeTests
{
    /// <summary>
    /// Assemblies an idle master with the control socket off and no dirty apps must not map, each loaded only by the
    /// path that uses it. The tests run the JIT-compiled build, where compiling a method loads every type it names
    /// (the ReadyToRun build loads them lazily, until the once-a-second tick is rejitted at tier 1): the stricter case.
    /// </summary>
    private static readonly string[] s_notWhileIdle = ["Unicornet.Control.dll", "Unicornet.Dirty.dll", "Unicornet.Workers.dll", "Unicornet.Config.Compiler.dll"];

    [Fact]
    public async Task An_idle_master_without_the_control_socket_or_dirty_apps_maps_neither_code()
    {
        await using ServerProcess server = await ServerProcess.StartAsync(["-k", "async", "-w", "2", "--no-control-socket", Examples.Dll("HelloApp") + ":App"]);
        server.WaitServing(2);

        SortedSet<string> mapped = MappedAssemblies(server.Pid);

        // The positive control: the master's own code is there, so an unreadable or empty map cannot pass.
        mapped.ShouldContain("Unicornet.Arbiter.dll", string.Join(", ", mapped));
        mapped.ShouldContain("Unicornet.Config.dll", string.Join(", ", mapped));
        foreach (string assembly in s_notWhileIdle)
        {
            mapped.ShouldNotContain(assembly, string.Join(", ", mapped));
        }
    }

    [Fact]
    public async Task A_master_with_the_control_socket_maps_the_control_code_and_answers()
    {
        await using ServerProcess server = await ServerProcess.StartAsync(["-k", "async", "-w", "2", "--control-socket", "{DIR}/ctl.sock", Examples.Dll("HelloApp") + ":App"]);
        server.WaitServing(2);
        string socket = Path.Combine(server.Directory, "ctl.sock");

        CommandResult stats = CommandRunner.Run(Binaries.Unicornetc, ["-s", socket, "-j", "-c", "show stats"], timeout: TimeSpan.FromSeconds(30));
        stats.ExitCode.ShouldBe(0, stats.Output);
        using (JsonDocument doc = JsonDocument.Parse(stats.StdOut))
        {
            doc.RootElement.GetProperty("pid").GetInt32().ShouldBe(server.Pid);
            doc.RootElement.GetProperty("workers_current").GetInt32().ShouldBe(2);
        }

        MappedAssemblies(server.Pid).ShouldContain("Unicornet.Control.dll");

        // A command that goes through the main loop and changes its state: the dispatcher is wired to the loop.
        CommandResult add = CommandRunner.Run(Binaries.Unicornetc, ["-s", socket, "-j", "-c", "worker add 1"], timeout: TimeSpan.FromSeconds(30));
        add.ExitCode.ShouldBe(0, add.Output);
        server.WaitServing(3);
    }

    /// <summary>The file names of the .dll files mapped into <paramref name="pid"/>.</summary>
    private static SortedSet<string> MappedAssemblies(int pid)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string line in File.ReadAllLines(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/maps")))
        {
            if (MappedDll().Match(line) is { Success: true } m)
            {
                names.Add(m.Groups[1].Value);
            }
        }

        return names;
    }

    [GeneratedRegex(@"/([^/]+\.dll)$")]
    private static partial Regex MappedDll();
}
