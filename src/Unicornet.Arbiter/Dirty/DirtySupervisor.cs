using Unicornet.Config;
using Unicornet.Dirty;

namespace Unicornet.Arbitration;

/// <summary>
/// The master's <see cref="IDirtySupervisor"/>: Unicornet.Dirty's supervisor behind the interface. The only type of
/// the master's own paths that names it; created only when dirty apps are configured.
/// </summary>
internal sealed class DirtySupervisor : IDirtySupervisor
{
    private readonly DirtyArbiterSupervisor _inner;

    public DirtySupervisor(DirtyArbiterSupervisor inner)
    {
        _inner = inner;
    }

    public int? Pid => _inner.Pid;

    public IReadOnlyDictionary<string, string> WorkerEnvironment => _inner.WorkerEnvironment;

    public void Start() => _inner.Start();

    public bool CheckAndRestart() => _inner.CheckAndRestart();

    public void Signal(int signal) => _inner.Signal(signal);

    public void Reload(UnicornetConfig config) => _inner.Reload(config);

    public Task StopAsync(bool graceful) => _inner.StopAsync(graceful);

    public Task<IReadOnlyDictionary<string, object?>?> StatusAsync(TimeSpan timeout) => _inner.StatusAsync(timeout);

    public Task<IReadOnlyDictionary<string, object?>?> ManageAsync(bool add, int count, TimeSpan timeout) => _inner.ManageAsync(add, count, timeout);
}
