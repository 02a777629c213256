using Microsoft.AspNetCore.Http;
using Unicornet.Platform;
using Unicornet.Supervision;

namespace Unicornet.Workers.Supervision;

/// <summary>
/// The requests a worker is running right now, each in one of <see cref="InFlightFile.Slots"/> slots, mirrored
/// into the worker's <see cref="InFlightFile"/> so the master can name them when the worker hangs. For the
/// <c>sync</c> class the heartbeat reports the start of the oldest one, so a request stuck past <c>timeout</c>
/// makes the worker look silent to the master exactly as a blocked gunicorn sync worker does.
/// </summary>
/// <remarks>
/// A request claims a free slot with one compare-and-swap on an in-process table (no allocation, no lock) and
/// copies its method, path and client into the slot's bytes; requests beyond the slots are counted only.
/// </remarks>
internal sealed class InFlightRequests
{
    private readonly HttpContext?[] _owners = new HttpContext?[InFlightFile.Slots];
    private readonly long[] _starts = new long[InFlightFile.Slots];
    private readonly InFlightFile? _file;
    private int _hint;

    public InFlightRequests(InFlightFile? file = null) => _file = file;

    public void Start(HttpContext context)
    {
        int first = (int)((uint)Interlocked.Increment(ref _hint) % InFlightFile.Slots);
        for (int i = 0; i < InFlightFile.Slots; i++)
        {
            int slot = (first + i) % InFlightFile.Slots;
            if (Volatile.Read(ref _owners[slot]) is null && Interlocked.CompareExchange(ref _owners[slot], context, null) is null)
            {
                long now = MonotonicClock.Now;
                Volatile.Write(ref _starts[slot], now);
                _file?.Write(slot, now, context.Request.Method, context.Request.Path.Value ?? "/", context.Connection.RemoteIpAddress, context.Connection.RemotePort);
                return;
            }
        }

        if (_file is not null)
        {
            _file.Overflow++;
        }
    }

    public void End(HttpContext context)
    {
        for (int slot = 0; slot < InFlightFile.Slots; slot++)
        {
            if (ReferenceEquals(Volatile.Read(ref _owners[slot]), context))
            {
                _file?.Clear(slot);
                Volatile.Write(ref _starts[slot], 0);
                Volatile.Write(ref _owners[slot], null);
                return;
            }
        }

        // Not found: an error answer the parser sent (never started) or a request past the slots.
    }

    /// <summary>
    /// Since when at least <paramref name="busyAt"/> requests have been running (the start of the youngest of
    /// them), or <paramref name="now"/> when fewer run: how long the worker has been unable to take another.
    /// </summary>
    public long BusySince(int busyAt, long now)
    {
        int running = 0;
        long youngest = 0;
        for (int slot = 0; slot < InFlightFile.Slots; slot++)
        {
            long start = Volatile.Read(ref _starts[slot]);
            if (start != 0)
            {
                running++;
                youngest = Math.Max(youngest, start);
            }
        }

        return running >= busyAt && running > 0 ? youngest : now;
    }

    /// <summary>The requests in flight, oldest first (for <c>worker_abort</c>); read from the slots' owners.</summary>
    public IReadOnlyList<RequestInFlight> Snapshot()
    {
        var list = new List<RequestInFlight>();
        long now = MonotonicClock.Now;
        for (int slot = 0; slot < InFlightFile.Slots; slot++)
        {
            HttpContext? context = Volatile.Read(ref _owners[slot]);
            long start = Volatile.Read(ref _starts[slot]);
            if (context is not null && start != 0)
            {
                try
                {
                    list.Add(new RequestInFlight(context.Request.Method, context.Request.Path.Value ?? "/", Client(context), TimeSpan.FromMilliseconds(now - start)));
                }
                catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException or NullReferenceException)
                {
                    // The request ended while it was being read.
                }
            }
        }

        list.Sort((a, b) => b.Running.CompareTo(a.Running));
        return list;
    }

    private static string Client(HttpContext context)
    {
        Span<char> chars = stackalloc char[InFlightFile.ClientMax];
        return new string(chars[..InFlightFile.FormatClient(context.Connection.RemoteIpAddress, context.Connection.RemotePort, chars)]);
    }
}
