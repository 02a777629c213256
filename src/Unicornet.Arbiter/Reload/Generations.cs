using System.Globalization;
using Unicornet.Config;
using Unicornet.Config.Snapshot;

namespace Unicornet.Arbitration;

/// <summary>
/// The configurations the master has run, by generation (each HUP or watched-file change starts one),
/// and the run directory where each generation's snapshot waits for the workers started with it.
/// While a reload is under way the previous generation is kept as the fallback: if the new workers
/// cannot boot, the master rolls back to it.
/// </summary>
internal sealed class Generations
{
    private readonly Dictionary<int, UnicornetConfig> _configs = [];

    public Generations(UnicornetConfig initial)
    {
        Current = initial;
    }

    /// <summary>The configuration of <see cref="Number"/>.</summary>
    public UnicornetConfig Current { get; private set; }

    public int Number { get; private set; }

    /// <summary>The generation to go back to while a reload is not complete.</summary>
    public int? Fallback { get; private set; }

    /// <summary>True from a reload until every worker runs the new generation.</summary>
    public bool Reloading { get; private set; }

    /// <summary>The master's private directory for snapshots and heartbeat files; "" before start-up made it.</summary>
    public string RunDir { get; private set; } = "";

    public string CurrentSnapshot => SnapshotPath(Number);

    /// <summary>Makes the run directory under worker_tmp_dir and writes generation 0's snapshot.</summary>
    public void CreateRunDirectory(string parent, int pid)
    {
        RunDir = Path.Combine(parent, $"unicornet-{pid}-{Guid.NewGuid():N}"[..32]);
        Directory.CreateDirectory(RunDir);
        Write(Current, Number);
    }

    /// <summary>The configuration a worker of <paramref name="generation"/> runs (the current one if forgotten).</summary>
    public UnicornetConfig ConfigOf(int generation) => _configs.GetValueOrDefault(generation, Current);

    /// <summary>Starts a new generation with <paramref name="next"/>, keeping the current one as the fallback.</summary>
    public void Advance(UnicornetConfig next)
    {
        Fallback ??= Number;
        Number++;
        Current = next;
        Write(next, Number);
        Reloading = true;
    }

    /// <summary>The new generation's workers could not boot: make the fallback current again.</summary>
    public void RollBack(int fallback)
    {
        Number = fallback;
        Current = _configs[fallback];
        Fallback = null;
        Reloading = false;
    }

    public void CompleteReload()
    {
        Reloading = false;
        Fallback = null;
    }

    public void DeleteRunDirectory()
    {
        if (RunDir.Length == 0)
        {
            return;
        }

        try
        {
            Directory.Delete(RunDir, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private void Write(UnicornetConfig config, int generation)
    {
        _configs[generation] = config;
        ConfigSnapshot.Write(config, SnapshotPath(generation));
    }

    private string SnapshotPath(int generation) => Path.Combine(RunDir, "config-" + generation.ToString(CultureInfo.InvariantCulture) + ".json");
}
