using System.Buffers;
using Unicornet.Http.Parsing;

namespace Unicornet.Hosting.Kestrel.HeadGuard;

/// <summary>
/// Follows HTTP/1 message framing over a connection's raw bytes: a head (until CRLF CRLF), then its body by
/// Content-Length or chunked framing (size lines, data, CRLF, trailers), then the next head. It says how far the
/// bytes may be handed on (<see cref="Releasable"/>): body bytes as soon as they are scanned, a head only once it is
/// complete and judged (its first byte at once, so Kestrel's request-header timeout starts as it would). A head that
/// breaks an engine rule stops everything at its first byte (<see cref="Refusal"/>); anything the tracker does not
/// follow turns it to <see cref="PassThrough"/> for good, so it never refuses a request Kestrel and the engine accept.
/// Offsets are absolute: counted from the connection's first byte.
/// </summary>
internal sealed class Http1FramingTracker
{
    private readonly HeadRules _rules;
    private State _state = State.Head;
    private long _scanned;
    private long _headStart;
    private long _remaining;
    private long _lineStart;
    private byte[]? _copy;

    public Http1FramingTracker(HeadRules rules)
    {
        _rules = rules;
    }

    private enum State
    {
        Head,
        Body,
        ChunkLine,
        ChunkData,
        ChunkDataEnd,
        TrailerLine,
        PassThrough,
        Refused,
    }

    /// <summary>True once the tracker stopped following the connection: every byte may be handed on.</summary>
    public bool PassThrough => _state == State.PassThrough;

    /// <summary>The refused head, once one was seen: where it starts and why.</summary>
    public HeadRefusal? Refusal { get; private set; }

    /// <summary>The refused head's first byte (the one byte of it handed on early).</summary>
    public byte FirstByteOfRefusedHead { get; private set; }

    /// <summary>Bytes before this offset may be handed on (meaningless once <see cref="PassThrough"/>).</summary>
    public long Releasable => _state switch
    {
        State.Head => _headStart + (_scanned > _headStart ? 1 : 0),
        State.Refused => _headStart + 1,
        _ => _scanned,
    };

    /// <summary>
    /// Scans the bytes of <paramref name="buffer"/> (which starts at absolute offset <paramref name="start"/>) that
    /// were not scanned yet. The buffer must still hold the current head from its start (the caller hands on no more
    /// than <see cref="Releasable"/>, of which only the head's first byte can be unconsumed).
    /// </summary>
    public void Scan(in ReadOnlySequence<byte> buffer, long start)
    {
        long end = start + buffer.Length;
        if (_scanned < start || (_state == State.Head && _headStart < start))
        {
            // Someone consumed bytes the tracker never saw: it cannot follow this connection any more.
            _state = State.PassThrough;
            return;
        }

        while (_scanned < end && _state is not (State.PassThrough or State.Refused))
        {
            switch (_state)
            {
                case State.Head:
                    if (!ScanHead(buffer, start))
                    {
                        return;
                    }

                    break;
                case State.Body or State.ChunkData:
                    long take = Math.Min(_remaining, end - _scanned);
                    _scanned += take;
                    _remaining -= take;
                    if (_remaining == 0)
                    {
                        _state = _state == State.Body ? NextHead() : State.ChunkDataEnd;
                    }

                    break;
                case State.ChunkDataEnd:
                    // The CRLF after a chunk's data, possibly split between reads.
                    byte expected = _remaining == 0 ? (byte)'\r' : (byte)'\n';
                    if (buffer.Slice(_scanned - start, 1).FirstSpan[0] != expected)
                    {
                        _state = State.PassThrough;
                        return;
                    }

                    _scanned++;
                    if (++_remaining == 2)
                    {
                        _remaining = 0;
                        _lineStart = _scanned;
                        _state = State.ChunkLine;
                    }

                    break;
                default:
                    if (!ScanLine(buffer, start))
                    {
                        return;
                    }

                    break;
            }
        }
    }

    /// <summary>Gives back the pooled copy of a head that spanned segments (the tracker may still be used after).</summary>
    public void ReleaseBuffer()
    {
        if (_copy is not null)
        {
            ArrayPool<byte>.Shared.Return(_copy);
            _copy = null;
        }
    }

    private State NextHead()
    {
        _headStart = _scanned;
        return State.Head;
    }

    /// <summary>Looks for the end of the current head and judges it: false when it is not complete yet.</summary>
    private bool ScanHead(in ReadOnlySequence<byte> buffer, long start)
    {
        ReadOnlySpan<byte> head = Contiguous(buffer.Slice(_headStart - start), _rules.MaxHead + 4);
        // Resume the search where the last one stopped, three bytes back for a CRLF CRLF split between reads.
        int from = (int)Math.Max(0, _scanned - _headStart - 3);
        int found = head[from..].IndexOf("\r\n\r\n"u8);
        if (found < 0)
        {
            _scanned = _headStart + head.Length;
            if (head.Length > _rules.MaxHead)
            {
                _state = State.PassThrough;
            }

            return false;
        }

        int length = from + found + 4;
        HeadVerdict verdict = HeadJudge.Judge(head[..length], _rules);
        _scanned = _headStart + length;
        switch (verdict.Framing)
        {
            case HeadFraming.Refuse:
                Refusal = new HeadRefusal(_headStart, verdict.Error, verdict.Reason ?? "");
                FirstByteOfRefusedHead = head[0];
                _state = State.Refused;
                break;
            case HeadFraming.PassThrough:
                _state = State.PassThrough;
                break;
            case HeadFraming.ContentLength:
                _remaining = verdict.ContentLength;
                _state = State.Body;
                break;
            case HeadFraming.Chunked:
                _lineStart = _scanned;
                _state = State.ChunkLine;
                break;
            default:
                _state = NextHead();
                break;
        }

        return true;
    }

    /// <summary>A chunk-size line or a trailer line: false when it is not complete yet.</summary>
    private bool ScanLine(in ReadOnlySequence<byte> buffer, long start)
    {
        int max = _state == State.ChunkLine ? HeadRules.MaxChunkLine : _rules.MaxHead;
        ReadOnlySpan<byte> line = Contiguous(buffer.Slice(_lineStart - start), max + 2);
        int from = (int)Math.Max(0, _scanned - _lineStart - 1);
        int found = line[from..].IndexOf("\r\n"u8);
        if (found < 0)
        {
            _scanned = _lineStart + line.Length;
            if (line.Length > max)
            {
                _state = State.PassThrough;
            }

            return false;
        }

        int length = from + found;
        _scanned = _lineStart + length + 2;
        if (_state == State.TrailerLine)
        {
            // The empty line ends the trailers and the message.
            _lineStart = _scanned;
            _state = length == 0 ? NextHead() : State.TrailerLine;
            return true;
        }

        if (!TryParseChunkSize(line[..length], out long size))
        {
            _state = State.PassThrough;
            return true;
        }

        _lineStart = _scanned;
        if (size == 0)
        {
            _state = State.TrailerLine;
        }
        else
        {
            _remaining = size;
            _state = State.ChunkData;
        }

        return true;
    }

    /// <summary>chunk-size [ BWS ; extensions ]: hex digits Kestrel reads the same way; anything else is not followed.</summary>
    private static bool TryParseChunkSize(ReadOnlySpan<byte> line, out long size)
    {
        size = 0;
        int i = 0;
        for (; i < line.Length; i++)
        {
            int digit = HexValue(line[i]);
            if (digit < 0)
            {
                break;
            }

            if (size > int.MaxValue / 16)
            {
                return false;
            }

            size = (size * 16) + digit;
        }

        if (i == 0)
        {
            return false;
        }

        ReadOnlySpan<byte> rest = line[i..];
        return rest.IsEmpty || (rest[0] == (byte)';' && !rest.Contains((byte)'\r') && !rest.Contains((byte)'\n'));
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    /// <summary>Up to <paramref name="max"/> bytes of <paramref name="data"/> as one span: copied only when they span segments.</summary>
    private ReadOnlySpan<byte> Contiguous(in ReadOnlySequence<byte> data, int max)
    {
        ReadOnlySequence<byte> window = data.Length > max ? data.Slice(0, max) : data;
        if (window.IsSingleSegment)
        {
            return window.FirstSpan;
        }

        int length = (int)window.Length;
        if (_copy is null || _copy.Length < length)
        {
            if (_copy is not null)
            {
                ArrayPool<byte>.Shared.Return(_copy);
            }

            _copy = ArrayPool<byte>.Shared.Rent(length);
        }

        window.CopyTo(_copy);
        return _copy.AsSpan(0, length);
    }
}

/// <summary>A refused head: where it starts on the connection, the engine's error for it and the reason in words.</summary>
internal readonly record struct HeadRefusal(long At, HttpParseError Error, string Reason);
