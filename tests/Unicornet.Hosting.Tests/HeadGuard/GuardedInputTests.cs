using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Unicornet.Hosting.Kestrel.HeadGuard;

namespace Unicornet.Hosting.Tests.HeadGuard;

/// <summary>The reader Kestrel reads through: what it is handed, when a read waits, and the refused line.</summary>
public sealed class GuardedInputTests
{
    private const string Good = "POST /a HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nok";
    private const string Bad = "POST /b HTTP/1.1\r\nHost: t\r\nContent-Length: +1\r\n\r\nx";

    private readonly Pipe _pipe = new();
    private readonly List<HeadRefusal> _refusals = [];
    private readonly GuardedInput _input;

    public GuardedInputTests()
    {
        _input = new GuardedInput(_pipe.Reader, new HeadRules(false, false, 4096), _refusals.Add);
    }

    private async Task Write(string text) => await _pipe.Writer.WriteAsync(Encoding.Latin1.GetBytes(text));

    private static string Latin1(in ReadOnlySequence<byte> buffer) => Encoding.Latin1.GetString(buffer.ToArray());

    [Fact]
    public async Task An_incomplete_head_gives_its_first_byte_then_the_read_waits_for_more_bytes()
    {
        await Write("GET /a HTTP/1.1\r\nHo");
        ReadResult first = await _input.ReadAsync();
        Latin1(first.Buffer).ShouldBe("G");
        _input.AdvanceTo(first.Buffer.Start, first.Buffer.End);

        // Nothing new for the reader: the read must wait (a completed read here would be Kestrel's busy loop).
        ValueTask<ReadResult> pending = _input.ReadAsync();
        pending.IsCompleted.ShouldBeFalse();
        await Write("st: t\r\n");
        await Task.Yield();
        pending.IsCompleted.ShouldBeFalse();

        await Write("\r\n");
        ReadResult whole = await pending.AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Latin1(whole.Buffer).ShouldBe("GET /a HTTP/1.1\r\nHost: t\r\n\r\n");
    }

    [Fact]
    public async Task Body_bytes_are_handed_on_as_they_arrive()
    {
        await Write("POST /a HTTP/1.1\r\nContent-Length: 100\r\n\r\n0123");
        ReadResult read = await _input.ReadAsync();
        Latin1(read.Buffer).ShouldEndWith("\r\n\r\n0123");
    }

    [Fact]
    public async Task A_refused_head_waits_until_the_requests_before_it_are_consumed_then_reads_as_a_line_Kestrel_refuses()
    {
        await Write(Good + Bad);
        ReadResult read = await _input.ReadAsync();
        Latin1(read.Buffer).ShouldBe(Good + "P");

        // Kestrel still works on the good request: it consumed nothing yet, so nothing changes for it.
        _input.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        ValueTask<ReadResult> pending = _input.ReadAsync();
        pending.IsCompleted.ShouldBeFalse();
        _input.CancelPendingRead();
        read = await pending;
        read.IsCanceled.ShouldBeTrue();
        _refusals.ShouldBeEmpty();

        // The good request is consumed: the next read is the refused line, then the end.
        _input.AdvanceTo(read.Buffer.GetPosition(Good.Length), read.Buffer.End);
        read = await _input.ReadAsync();
        Latin1(read.Buffer).ShouldBe("P\u0001 / HTTP/1.1\r\n\r\n");
        read.IsCompleted.ShouldBeTrue();
        _refusals.Single().Reason.ShouldBe("Content-Length is not a number");
        _input.AdvanceTo(read.Buffer.End);
        read = await _input.ReadAsync();
        read.Buffer.IsEmpty.ShouldBeTrue();
        read.IsCompleted.ShouldBeTrue();
        _refusals.Count.ShouldBe(1);
    }

    [Fact]
    public async Task At_the_end_of_the_input_an_incomplete_head_is_handed_on_for_Kestrel_to_judge()
    {
        await Write("GET /a HTTP/1.1\r\nHo");
        await _pipe.Writer.CompleteAsync();
        ReadResult read = await _input.ReadAsync();
        Latin1(read.Buffer).ShouldBe("GET /a HTTP/1.1\r\nHo");
        read.IsCompleted.ShouldBeTrue();
    }
}
