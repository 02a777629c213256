using System.Runtime.CompilerServices;
using Unicornet.Config.Options;

namespace Unicornet.Arbitration;

/// <summary>
/// The master's handle on its control socket. It names none of Control's types: the handler behind the socket
/// (<see cref="ControlHandler"/>, with Control's server, protocol and dispatcher) is created the first time the
/// socket opens, so a master run with <c>--no-control-socket</c> never maps Unicornet.Control nor loads its types.
/// </summary>
internal sealed class ControlEndpoint
{
    // Taken when the master starts, not when the socket opens (a promoted USR2 child opens it late): show stats' uptime.
    private readonly long _startedAtTick = Environment.TickCount64;
    private readonly MasterContext _ctx;
    private readonly WorkerPool _pool;
    private readonly Reloader _reloader;
    private readonly MasterSignals _signals;
    private IControlSession? _session;

    public ControlEndpoint(MasterContext ctx, WorkerPool pool, Reloader reloader, MasterSignals signals)
    {
        _ctx = ctx;
        _pool = pool;
        _reloader = reloader;
        _signals = signals;
    }

    /// <summary>Runs the queued commands; on the main loop only.</summary>
    public void RunPending() => _session?.RunPending();

    /// <summary>Opens the control socket unless disabled or already open; a busy or unusable path is logged, not fatal.</summary>
    public void Start()
    {
        if (_ctx.Config.Options.Control is not { Disabled: false } control)
        {
            return;
        }

        _session ??= CreateSession();
        _session.Start(control);
    }

    /// <summary>Closes the socket; commands already queued still run (their replies were not sent).</summary>
    public void Stop() => _session?.Stop();

    // A method of its own, never inlined: compiling Start must not resolve ControlHandler, whose interface is
    // Control's, or the assembly would be loaded with the socket off too.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private IControlSession CreateSession() => new ControlHandler(_ctx, _pool, _reloader, _signals, _startedAtTick);
}
