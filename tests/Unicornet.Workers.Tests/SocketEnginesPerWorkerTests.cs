using Unicornet.Platform;

namespace Unicornet.Workers.Tests;

/// <summary>
/// How many socket engines an async worker asks the runtime for: all workers together one per core, never none,
/// and a lone worker all of them.
/// </summary>
public sealed class SocketEnginesPerWorkerTests
{
    [Theory]
    [InlineData(1, 2, 2)]
    [InlineData(2, 2, 1)]
    [InlineData(3, 2, 1)]
    [InlineData(8, 2, 1)]
    [InlineData(2, 8, 4)]
    [InlineData(3, 8, 2)]
    [InlineData(1, 1, 1)]
    [InlineData(0, 4, 4)]
    public void Workers_together_get_one_engine_per_core_and_each_at_least_one(int workers, int cores, int expected) =>
        ChildRuntime.SocketEnginesPerWorker(workers, cores).ShouldBe(expected);
}
