namespace Unicornet.Control.Server;

/// <summary>
/// Everything the control server logs, in one place. Each method is one event; its name is the event's
/// stable name, and its template is the line's text (tests and operators grep for it, so it does not
/// change). The <see cref="ILog"/> these go to has no field for an event id, so the name stays in the code.
/// </summary>
internal static class ControlLog
{
    public static void Listening(ILog log, string path) => log.Info("Control socket listening at {Path}", path);

    public static void RemovingStaleSocket(ILog log, string path) => log.Info("Removing stale control socket {Path}", path);

    /// <summary>Another instance's leftover socket, found while sweeping the socket directory (debug: routine).</summary>
    public static void SweepingStaleSocket(ILog log, string path) => log.Debug("Removing stale control socket {Path}", path);

    public static void ConnectionsOutlivedStop(ILog log) => log.Warning("control: connections did not close within 5 s");

    public static void AcceptFailed(ILog log, string error) => log.Warning("control: accept failed: {Error}", error);

    public static void TooManyClients(ILog log, int count) => log.Warning("control: {Count} clients connected already; closing a new one", count);

    public static void ClosingIdleClient(ILog log, double seconds) => log.Debug("control: closing a client idle for {Seconds} s", seconds);

    public static void BadFrame(ILog log, string reason) => log.Warning("control: bad frame, closing the connection: {Reason}", reason);

    public static void ConnectionEnded(ILog log, string error) => log.Debug("control: connection ended: {Error}", error);

    public static void UnexpectedError(ILog log, Exception e) => log.Exception(e, "control: unexpected error serving a client");

    public static void CannotUpdateLink(ILog log, string link, string error) => log.Warning("control: cannot update {Link}: {Error}", link, error);

    public static void RequestRejected(ILog log, string reason) => log.Warning("control: rejected request: {Reason}", reason);

    public static void CommandFailed(ILog log, string command, string reason) => log.Warning("control: command {Command} failed: {Reason}", command, reason);

    public static void CommandThrew(ILog log, Exception e, string command) => log.Exception(e, "control: command {Command} failed", command);
}
