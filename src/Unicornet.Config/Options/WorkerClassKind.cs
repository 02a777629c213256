namespace Unicornet.Config.Options;

/// <summary>
/// The worker classes, parsed once from <c>worker_class</c> (gunicorn's aliases included) so that no
/// code outside Config compares the setting's string.
/// </summary>
public enum WorkerClassKind
{
    /// <summary><c>sync</c>: one connection at a time per worker, no keep-alive.</summary>
    Sync,

    /// <summary><c>gthread</c>: a pool of <c>threads</c> request threads per worker.</summary>
    Gthread,

    /// <summary><c>async</c>: every connection non-blocking on the socket poll threads.</summary>
    Async,

    /// <summary><c>kestrel</c>: Kestrel on the inherited sockets (HTTP/2, TLS).</summary>
    Kestrel,
}
