using System.Buffers;
using System.Text;
using Unicornet.Hosting.Kestrel.HeadGuard;

namespace Unicornet.Hosting.Tests.HeadGuard;

public sealed class Http1FramingTrackerTests
{
    private static readonly HeadRules s_rules = new(PermitUnconventionalVersion: false, CasefoldMethod: false, MaxHead: 4096);

    private const string Get = "GET /a HTTP/1.1\r\nHost: t\r\n\r\n";

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }

    /// <summary>What the tracker concluded: how far it releases, where it refused, whether it gave up following.</summary>
    private readonly record struct Outcome(long Releasable, long? RefusedAt, bool PassThrough);

    private static Outcome Of(Http1FramingTracker tracker) =>
        new(tracker.PassThrough ? -1 : tracker.Releasable, tracker.Refusal?.At, tracker.PassThrough);

    private static Outcome ScanAll(string wire, HeadRules? rules = null)
    {
        var tracker = new Http1FramingTracker(rules ?? s_rules);
        tracker.Scan(new ReadOnlySequence<byte>(Encoding.Latin1.GetBytes(wire)), 0);
        return Of(tracker);
    }

    /// <summary>
    /// The outcome must not depend on how the bytes arrive: for every split point, scanning the first part and then
    /// the whole, and scanning one sequence of two segments split there, both give the one-read outcome.
    /// </summary>
    private static Outcome ScanEverySplit(string wire)
    {
        byte[] bytes = Encoding.Latin1.GetBytes(wire);
        Outcome whole = ScanAll(wire);
        for (int split = 1; split < bytes.Length; split++)
        {
            var twice = new Http1FramingTracker(s_rules);
            twice.Scan(new ReadOnlySequence<byte>(bytes, 0, split), 0);
            twice.Scan(new ReadOnlySequence<byte>(bytes), 0);
            Of(twice).ShouldBe(whole, $"read split at {split}");

            var first = new Segment(bytes.AsMemory(0, split), 0);
            Segment last = first.Append(bytes.AsMemory(split));
            var segmented = new Http1FramingTracker(s_rules);
            segmented.Scan(new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length), 0);
            Of(segmented).ShouldBe(whole, $"segments split at {split}");
        }

        return whole;
    }

    [Fact]
    public void Pipelined_heads_without_bodies_are_all_released()
    {
        string wire = Get + Get + "HEAD /b HTTP/1.0\r\n\r\n";
        ScanEverySplit(wire).ShouldBe(new Outcome(wire.Length, null, false));
    }

    [Fact]
    public void A_body_that_looks_like_a_refused_head_is_body()
    {
        const string Body = "GET * HTTP/1.1\r\nContent-Length: +1\r\nTransfer-Encoding: chunked\r\n\r\n";
        string wire = $"POST /a HTTP/1.1\r\nHost: t\r\nContent-Length: {Body.Length}\r\n\r\n{Body}" + Get;
        ScanEverySplit(wire).ShouldBe(new Outcome(wire.Length, null, false));
    }

    [Fact]
    public void Chunked_bodies_with_extensions_and_trailers_are_followed_to_the_next_head()
    {
        const string Data = "Content-Length: +1\r\n\r\n";
        string wire = "POST /a HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n"
            + $"{Data.Length:X};name=value;x\r\n{Data}\r\n3\r\nabc\r\n0;last\r\nX-Trailer: GET * HTTP/1.1\r\nContent-Length: +1\r\n\r\n"
            + "POST /b HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
            + Get;
        ScanEverySplit(wire).ShouldBe(new Outcome(wire.Length, null, false));
    }

    [Fact]
    public void An_incomplete_head_is_held_back_but_its_first_byte()
    {
        string wire = Get + "POST /b HTTP/1.1\r\nContent-Length: 5\r\n";
        ScanAll(wire).ShouldBe(new Outcome(Get.Length + 1, null, false));
    }

    [Fact]
    public void Body_bytes_are_released_as_they_arrive()
    {
        const string Head = "POST /a HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n";
        ScanAll(Head + "0123456789").ShouldBe(new Outcome(Head.Length + 10, null, false));
    }

    [Theory]
    [InlineData("POST /b HTTP/1.1\r\nContent-Length: +1\r\n\r\nx")]
    [InlineData("POST /b HTTP/1.1\r\nContent-Length: -1\r\n\r\n")]
    [InlineData("POST /b HTTP/1.1\r\nContent-Length: 0x1\r\n\r\nx")]
    [InlineData("POST /b HTTP/1.1\r\nContent-Length:\r\n\r\n")]
    [InlineData("POST /b HTTP/1.1\r\nContent-Length: 1, 1\r\n\r\nx")]
    [InlineData("POST /b HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n")]
    [InlineData("POST /b HTTP/1.1\r\ncontent-length: 1\r\nCONTENT-LENGTH: 1\r\n\r\nx")]
    [InlineData("POST /b HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")]
    [InlineData("POST /b HTTP/1.1\r\ntransfer-encoding: chunked\r\ncontent-length: 3\r\n\r\n0\r\n\r\n")]
    [InlineData("GET * HTTP/1.1\r\nHost: t\r\n\r\n")]
    [InlineData("GET t:80 HTTP/1.1\r\nHost: t\r\n\r\n")]
    [InlineData("GET /b HTTP/2.0\r\nHost: t\r\n\r\n")]
    [InlineData("GET /b HTTP/0.9\r\nHost: t\r\n\r\n")]
    public void A_head_the_engine_refuses_is_refused_after_the_requests_before_it(string bad)
    {
        string wire = Get + "POST /a HTTP/1.1\r\nContent-Length: 2\r\n\r\nok" + bad + Get;
        int at = wire.IndexOf(bad, StringComparison.Ordinal);
        ScanEverySplit(wire).ShouldBe(new Outcome(at + 1, at, false));
    }

    [Theory]
    [InlineData("POST /a HTTP/1.1\r\nContent-Length: 007  \r\n\r\n1234567")]
    [InlineData("POST /a HTTP/1.1\r\nContent-Length:\t0\r\n\r\n")]
    [InlineData("OPTIONS * HTTP/1.1\r\nHost: t\r\n\r\n")]
    [InlineData("GET http://t/x HTTP/1.1\r\nHost: t\r\n\r\n")]
    [InlineData("GET /x HTTP/1.0\r\nX-Content-Length: +1\r\nTE: trailers\r\n\r\n")]
    [InlineData("GET /x HTTP/1.2\r\nHost: t\r\n\r\n")]
    public void A_head_the_engine_accepts_is_not_refused(string good)
    {
        string wire = good + Get;
        ScanEverySplit(wire).ShouldBe(new Outcome(wire.Length, null, false));
    }

    [Fact]
    public void The_version_and_method_settings_are_the_engine_s()
    {
        ScanAll("GET /b HTTP/2.0\r\n\r\n", s_rules with { PermitUnconventionalVersion = true }).RefusedAt.ShouldBeNull();
        ScanAll("options * HTTP/1.1\r\n\r\n", s_rules with { CasefoldMethod = true }).RefusedAt.ShouldBeNull();
        ScanAll("options * HTTP/1.1\r\n\r\n").RefusedAt.ShouldBe(0);
    }

    [Theory]
    [InlineData("GET /ws HTTP/1.1\r\nHost: t\r\nConnection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n\r\n")]
    [InlineData("GET /ws HTTP/1.1\r\nHost: t\r\nupgrade: h2c\r\n\r\n")]
    [InlineData("CONNECT t:443 HTTP/1.1\r\nHost: t\r\n\r\n")]
    [InlineData("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")]
    [InlineData("\r\nGET /x HTTP/1.1\r\n\r\n")]
    [InlineData("POST /a HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n")]
    [InlineData("POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")]
    [InlineData("POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5 ;x\r\n")]
    [InlineData("POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n")]
    [InlineData("POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nfffffffff\r\n")]
    public void What_the_tracker_does_not_follow_turns_the_connection_to_pass_through(string head)
    {
        // Whatever follows, even a head the engine refuses, is Kestrel's alone from here on.
        ScanEverySplit(head + "GET * HTTP/1.1\r\nContent-Length: +1\r\n\r\n").ShouldBe(new Outcome(-1, null, true));
    }

    [Fact]
    public void A_head_over_the_cap_turns_the_connection_to_pass_through()
    {
        string big = "GET /x HTTP/1.1\r\nX-A: " + new string('a', 5000) + "\r\nContent-Length: +1\r\n\r\n";
        ScanAll(big).ShouldBe(new Outcome(-1, null, true));
        ScanAll(big[..4200]).ShouldBe(new Outcome(-1, null, true));
        ScanAll(big[..4000]).ShouldBe(new Outcome(1, null, false));
    }
}
