using Unicornet.Dirty.Tests.Infrastructure;

namespace Unicornet.Dirty.Tests.Processes;

/// <summary>One dirty arbiter with two dirty workers (4 threads each) shared by the non-destructive tests.</summary>
public sealed class SharedClusterFixture : IAsyncLifetime
{
    internal DirtyCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await DirtyCluster.StartAsync(workers: 2, threads: 4, timeout: 3);

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
