using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace Unicornet.Hosting.Kestrel.HeadGuard;

/// <summary>
/// The connection's input as Kestrel reads it: the inner reader's bytes, but only as far as the
/// <see cref="Http1FramingTracker"/> has judged them. When a head is refused, the requests before it are served as
/// usual; once Kestrel has consumed up to that head it reads a request line it refuses itself instead (so its 400,
/// with Connection: close, is sequenced after the earlier responses) and then the end of the input.
/// </summary>
internal sealed class GuardedInput : PipeReader
{
    // After the refused head's first byte, which Kestrel may already hold: a method byte no token allows.
    private static readonly byte[] s_refusedLineTail = "\u0001 / HTTP/1.1\r\n\r\n"u8.ToArray();

    private readonly PipeReader _inner;
    private readonly Http1FramingTracker _tracker;
    private readonly Action<HeadRefusal> _refused;
    private ReadOnlySequence<byte> _buffer;
    private long _bufferStart;
    private long _examined;
    private long _returnedEnd;
    private SequencePosition _returnedEndPosition;
    private byte[]? _refusedLine;
    private bool _refusedLineOut;

    public GuardedInput(PipeReader inner, HeadRules rules, Action<HeadRefusal> refused)
    {
        _inner = inner;
        _tracker = new Http1FramingTracker(rules);
        _refused = refused;
    }

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (TryRefuse(out ReadResult refusal))
            {
                return new ValueTask<ReadResult>(refusal);
            }

            ValueTask<ReadResult> read = _inner.ReadAsync(cancellationToken);
            if (!read.IsCompletedSuccessfully)
            {
                return ReadSlowAsync(read, cancellationToken);
            }

            if (Judge(read.Result, out ReadResult result))
            {
                return new ValueTask<ReadResult>(result);
            }
        }
    }

    // Every keep-alive request waits here once: a pooled state machine, so the wait allocates nothing.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ReadResult> ReadSlowAsync(ValueTask<ReadResult> pending, CancellationToken cancellationToken)
    {
        ReadResult read = await pending.ConfigureAwait(false);
        while (true)
        {
            if (Judge(read, out ReadResult result))
            {
                return result;
            }

            read = await _inner.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public override bool TryRead(out ReadResult result)
    {
        if (TryRefuse(out result))
        {
            return true;
        }

        return _inner.TryRead(out ReadResult read) && Judge(read, out result);
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        if (_refusedLineOut)
        {
            // Positions in the refused line: nothing of the inner reader was consumed.
            return;
        }

        // Kestrel mostly hands back the end of what it was given: then no slice is needed to know the offset.
        long consumedAt = consumed.Equals(_returnedEndPosition) ? _returnedEnd : _bufferStart + _buffer.Slice(0, consumed).Length;
        _examined = examined.Equals(_returnedEndPosition) ? _returnedEnd : _bufferStart + _buffer.Slice(0, examined).Length;

        // When Kestrel has seen all it was given, the held-back rest is scanned already: only new bytes may wake it.
        _inner.AdvanceTo(consumed, _examined >= _returnedEnd ? _buffer.End : examined);
        _bufferStart = consumedAt;
        _buffer = default;
    }

    public override void CancelPendingRead() => _inner.CancelPendingRead();

    public override void Complete(Exception? exception = null)
    {
        _tracker.ReleaseBuffer();
        _inner.Complete(exception);
    }

    public override ValueTask CompleteAsync(Exception? exception = null)
    {
        _tracker.ReleaseBuffer();
        return _inner.CompleteAsync(exception);
    }

    /// <summary>
    /// Scans what the inner reader returned; true with what Kestrel may see when that is more than it examined (or
    /// the read ended or was cancelled); false after telling the inner reader all was examined, to wait for more.
    /// </summary>
    private bool Judge(ReadResult read, out ReadResult result)
    {
        _buffer = read.Buffer;
        long end = _bufferStart + _buffer.Length;
        long releasable = end;
        if (!_tracker.PassThrough)
        {
            _tracker.Scan(_buffer, _bufferStart);
            if (!_tracker.PassThrough)
            {
                releasable = _tracker.Refusal is null && read.IsCompleted ? end : Math.Min(_tracker.Releasable, end);
            }
        }

        if (releasable > _examined || read.IsCompleted || read.IsCanceled)
        {
            _returnedEnd = releasable;
            ReadOnlySequence<byte> visible = releasable == end ? _buffer : _buffer.Slice(0, releasable - _bufferStart);
            _returnedEndPosition = visible.End;
            result = new ReadResult(visible, read.IsCanceled, read.IsCompleted);
            return true;
        }

        _inner.AdvanceTo(_buffer.Start, _buffer.End);
        _buffer = default;
        result = default;
        return false;
    }

    /// <summary>Once Kestrel consumed everything before the refused head, it gets the line it refuses, then the end.</summary>
    private bool TryRefuse(out ReadResult result)
    {
        result = default;
        if (_refusedLineOut)
        {
            result = new ReadResult(ReadOnlySequence<byte>.Empty, isCanceled: false, isCompleted: true);
            return true;
        }

        if (_tracker.Refusal is not { } refusal || _bufferStart < refusal.At)
        {
            return false;
        }

        _refusedLine = new byte[1 + s_refusedLineTail.Length];
        // Kestrel may have examined the head's first byte already; the stream it reads must stay the same up to it.
        _refusedLine[0] = _tracker.FirstByteOfRefusedHead;
        s_refusedLineTail.CopyTo(_refusedLine, 1);
        _refusedLineOut = true;
        _refused(refusal);
        result = new ReadResult(new ReadOnlySequence<byte>(_refusedLine), isCanceled: false, isCompleted: true);
        return true;
    }
}
