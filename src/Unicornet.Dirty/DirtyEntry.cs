using Unicornet.Config;
using Unicornet.Dirty.Apps;
using Unicornet.Dirty.Arbiter;
using Unicornet.Dirty.Worker;
using Unicornet.Logging;
using Unicornet.Platform;

using Unicornet.Config.Snapshot;

namespace Unicornet.Dirty;

/// <summary>Entry points of the dirty arbiter and dirty worker processes.</summary>
public static class DirtyEntry
{
    /// <summary>Runs the dirty arbiter (UNICORNET_ROLE=dirty-arbiter); returns its exit code.</summary>
    public static int RunArbiter(string[] args)
    {
        // First, before Console or Process set up the runtime's signal handling: the runtime leaves a signal
        // that is ignored at that moment ignored for good, and a parent under nohup or a shell's background
        // job hands HUP, INT and QUIT down ignored, so HUP would never reload and INT never stop the arbiter.
        Signals.ResetIgnored(DirtyArbiterHost.CaughtSignals);
        if (LoadConfig("dirty arbiter") is not { } config)
        {
            return 1;
        }

        using UnicornetLog log = CreateLog(config, "dirty-arbiter");
        try
        {
            config = ConfigSnapshot.BindHooks(config, log);
            string socket = Environment.GetEnvironmentVariable(DirtyEnvironment.Socket) is { Length: > 0 } s
                ? s
                : Path.Combine(Directory.CreateTempSubdirectory("unicornet-dirty-").FullName, "arbiter.sock");
            string? pidFile = Environment.GetEnvironmentVariable(DirtyEnvironment.PidFile) is { Length: > 0 } p ? p : null;
            var host = new DirtyArbiterHost(config, log, socket, pidFile);
            return host.RunAsync().GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            DirtyLog.ArbiterFailed(log, e);
            return 1;
        }
    }

    /// <summary>Runs a dirty worker (UNICORNET_ROLE=dirty-worker); returns its exit code (3 when it could not boot).</summary>
    public static int RunWorker(string[] args)
    {
        Signals.ResetIgnored(DirtyWorkerHost.CaughtSignals);
        if (LoadConfig("dirty worker") is not { } config)
        {
            return 3;
        }

        using UnicornetLog log = CreateLog(config, "dirty-worker");
        try
        {
            config = ConfigSnapshot.BindHooks(config, log);
            int age = int.TryParse(Environment.GetEnvironmentVariable(DirtyEnvironment.Age), out int a) ? a : 0;
            AppDirectory directory = AppDirectory.FromConfig(config);
            var apps = new List<DirtyAppSpec>();
            foreach (string id in (Environment.GetEnvironmentVariable(DirtyEnvironment.Apps) ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                apps.Add(directory.Resolve(id) ?? DirtyAppSpec.Parse(id));
            }

            return new DirtyWorkerHost(config, log, age, apps).RunAsync().GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            DirtyLog.WorkerFailed(log, e);
            return 3;
        }
    }

    private static UnicornetConfig? LoadConfig(string who)
    {
        string? path = Environment.GetEnvironmentVariable(DirtyEnvironment.Config);
        if (string.IsNullOrEmpty(path))
        {
            Console.Error.WriteLine($"unicornet {who}: {DirtyEnvironment.Config} is not set; the master starts this process");
            return null;
        }

        try
        {
            return ConfigSnapshot.Read(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ConfigException or InvalidOperationException or KeyNotFoundException)
        {
            Console.Error.WriteLine($"unicornet {who}: cannot read the config snapshot {path}: {e.Message}");
            return null;
        }
    }

    private static UnicornetLog CreateLog(UnicornetConfig config, string role) =>
        new(LoggingSetup.Options(config, role));
}
