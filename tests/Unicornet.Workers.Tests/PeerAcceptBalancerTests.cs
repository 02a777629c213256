using Unicornet.Platform;
using Unicornet.Supervision;
using Unicornet.Workers.Supervision;

namespace Unicornet.Workers.Tests;

public sealed class PeerAcceptBalancerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("unicornet-balancer-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private HeartbeatFile Slot(string name, long connections, WorkerPhase phase = WorkerPhase.Ready)
    {
        HeartbeatFile hb = HeartbeatFile.Create(Path.Combine(_dir, name));
        hb.Connections = connections;
        hb.Phase = phase;
        return hb;
    }

    [Fact]
    public void Publishes_its_open_connections_in_its_own_slot()
    {
        using HeartbeatFile own = Slot("hb-1", 0);
        using PeerAcceptBalancer balancer = PeerAcceptBalancer.For(own)!;
        balancer.Opened(7);
        using HeartbeatFile seen = HeartbeatFile.Open(own.Path);
        seen.Connections.ShouldBe(7);
        balancer.Closed(6, livedMs: 5);
        seen.Connections.ShouldBe(6);
    }

    [Fact]
    public async Task Holds_back_while_a_live_sibling_holds_clearly_fewer_connections()
    {
        using HeartbeatFile own = Slot("hb-1", 10);
        using HeartbeatFile peer = Slot("hb-2", 0);
        using PeerAcceptBalancer balancer = PeerAcceptBalancer.For(own)!;
        Task turn = balancer.WaitTurnAsync(10, CancellationToken.None).AsTask();
        turn.IsCompleted.ShouldBeFalse();
        await turn.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Does_not_hold_back_while_its_connections_are_short_lived()
    {
        // Connection: close traffic: more connections ended within the last second than are open now, so the
        // split evens out by itself and holding back would only slow accepts down.
        using HeartbeatFile own = Slot("hb-1", 10);
        using HeartbeatFile peer = Slot("hb-2", 0);
        using PeerAcceptBalancer balancer = PeerAcceptBalancer.For(own)!;
        for (int i = 0; i < 11; i++)
        {
            balancer.Opened(11);
            balancer.Closed(10, livedMs: 2);
        }

        balancer.WaitTurnAsync(10, CancellationToken.None).AsTask().IsCompleted.ShouldBeTrue();
    }

    [Fact]
    public async Task Holds_back_again_when_few_connections_end()
    {
        // A few closes among many long-lived connections (keep-alive clients coming and going) still balance.
        using HeartbeatFile own = Slot("hb-1", 10);
        using HeartbeatFile peer = Slot("hb-2", 0);
        using PeerAcceptBalancer balancer = PeerAcceptBalancer.For(own)!;
        balancer.Opened(11);
        balancer.Closed(10, livedMs: 2);
        Task turn = balancer.WaitTurnAsync(10, CancellationToken.None).AsTask();
        turn.IsCompleted.ShouldBeFalse();
        await turn.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Long_connections_ending_do_not_stop_the_balancing()
    {
        // The keep-alive connections of one load test closing together must not leave the next burst unbalanced.
        using HeartbeatFile own = Slot("hb-1", 10);
        using HeartbeatFile peer = Slot("hb-2", 0);
        using PeerAcceptBalancer balancer = PeerAcceptBalancer.For(own)!;
        for (int i = 0; i < 64; i++)
        {
            balancer.Closed(10, livedMs: 3000);
        }

        Task turn = balancer.WaitTurnAsync(10, CancellationToken.None).AsTask();
        turn.IsCompleted.ShouldBeFalse();
        await turn.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData(0, 0)]   // nothing open: never waits
    [InlineData(2, 1)]   // one more than the sibling: even enough
    [InlineData(10, 9)]
    [InlineData(100, 90)] // within 1/8 of the sibling's count
    public void Accepts_at_once_when_the_split_is_even_enough(int open, long sibling)
    {
        using HeartbeatFile own = Slot("hb-1", open);
        using HeartbeatFile peer = Slot("hb-2", sibling);
        using PeerAcceptBalancer balancer = PeerAcceptBalancer.For(own)!;
        balancer.WaitTurnAsync(open, CancellationToken.None).AsTask().IsCompleted.ShouldBeTrue();
    }

    [Fact]
    public void Ignores_siblings_that_are_not_serving_or_whose_heartbeat_is_stale()
    {
        using HeartbeatFile own = Slot("hb-1", 10);
        using HeartbeatFile booting = Slot("hb-2", 0, WorkerPhase.Booting);
        using HeartbeatFile stale = Slot("hb-3", 0);
        stale.BeatAt(MonotonicClock.Now - 60_000);
        using HeartbeatFile preload = Slot("other-file", 0);
        using PeerAcceptBalancer balancer = PeerAcceptBalancer.For(own)!;
        balancer.WaitTurnAsync(10, CancellationToken.None).AsTask().IsCompleted.ShouldBeTrue();
    }

    [Fact]
    public async Task A_held_back_accept_goes_ahead_by_itself_when_the_sibling_never_takes_one()
    {
        // A sibling that reports few connections but never accepts (stuck) must not stall this worker's accepts.
        using HeartbeatFile own = Slot("hb-1", 10);
        using HeartbeatFile peer = Slot("hb-2", 0);
        using PeerAcceptBalancer balancer = PeerAcceptBalancer.For(own)!;
        await balancer.WaitTurnAsync(10, CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_held_back_accept_ends_when_the_loop_stops()
    {
        using HeartbeatFile own = Slot("hb-1", 10);
        using HeartbeatFile peer = Slot("hb-2", 0);
        using PeerAcceptBalancer balancer = PeerAcceptBalancer.For(own)!;
        using var stop = new CancellationTokenSource();
        Task turn = balancer.WaitTurnAsync(10, stop.Token).AsTask();
        await stop.CancelAsync();
        await turn.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
